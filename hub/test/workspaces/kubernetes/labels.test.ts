// Names and labels made from course and student ids are always acceptable to
// Kubernetes, stable, and distinct for distinct ids.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { courseNamespace, workspaceNames } from '../../../src/workspaces/kubernetes';
import { labelValue } from '../../../src/workspaces/kubernetes/labels';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

describe('Kubernetes names for courses and students', function () {
  it('keeps simple ids readable', function () {
    assert.equal(courseNamespace('cs101'), 'classpod-cs101');
    assert.deepEqual(workspaceNames({ courseId: 'cs101', studentId: 'alice' }), {
      namespace: 'classpod-cs101',
      pod: 'ws-alice',
      service: 'ws-alice',
      claim: 'ws-alice-files',
      secret: 'ws-alice-agent-token',
    });
    assert.equal(labelValue('alice'), 'alice');
  });

  it('turns any id into valid, bounded names', function () {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), (courseId, studentId) => {
        const names = workspaceNames({ courseId, studentId });
        assert.match(names.namespace, DNS_LABEL);
        assert.ok(names.namespace.length <= 63, names.namespace);
        assert.match(names.pod, DNS_1035);
        for (const name of [names.pod, names.claim, names.secret]) {
          assert.match(name, DNS_LABEL);
          assert.ok(name.length <= 63, name);
        }
        for (const id of [courseId, studentId]) {
          const value = labelValue(id);
          assert.match(value, LABEL_VALUE);
          assert.ok(value.length <= 63);
        }
      }),
    );
  });

  it('gives ids that slug alike different names', function () {
    const a = workspaceNames({ courseId: 'c', studentId: 'Alice' }).pod;
    const b = workspaceNames({ courseId: 'c', studentId: 'alice!' }).pod;
    const c = workspaceNames({ courseId: 'c', studentId: 'alice' }).pod;
    assert.equal(new Set([a, b, c]).size, 3);
    assert.equal(workspaceNames({ courseId: 'c', studentId: 'Alice' }).pod, a, 'names must be stable');
    const long = 'x'.repeat(100);
    assert.notEqual(workspaceNames({ courseId: 'c', studentId: long }).pod, workspaceNames({ courseId: 'c', studentId: long + 'y' }).pod);
  });
});
