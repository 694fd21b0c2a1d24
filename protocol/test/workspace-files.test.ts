// The `.classpod/` files of a workspace as a reader meets them: what the hub
// writes reads back whole, and a field a student edited into the wrong shape
// is left out rather than trusted.

import { strict as assert } from 'node:assert';
import { Value } from '@sinclair/typebox/value';
import { AssignmentFile, CourseFile, readAssignmentFile, readCourseFile } from '../src';

describe('workspace files', () => {
  it('reads back every field of the files as the hub writes them', () => {
    const course = { courseId: 'cs101', title: 'Intro', studentId: 'ada', hubUrl: 'https://hub.example' };
    const assignment = { id: 'hello', slug: 'hello', title: 'Hello', courseId: 'cs101', opensAt: '2026-11-01T00:00:00.000Z', dueAt: '2026-11-24T18:00:00.000Z', cutoffAt: '2026-11-25T18:00:00.000Z' };
    assert.ok(Value.Check(CourseFile, course));
    assert.ok(Value.Check(AssignmentFile, assignment));
    assert.deepEqual(readCourseFile(JSON.parse(JSON.stringify(course))), course);
    assert.deepEqual(readAssignmentFile(JSON.parse(JSON.stringify(assignment))), assignment);
  });

  it('leaves out fields of the wrong shape and fields it does not know, and reads no non-object at all', () => {
    assert.deepEqual(readAssignmentFile({ id: 'a1', title: 42, courseId: '', dueAt: 'tomorrow', slug: ['x'], extra: 'ignored' }), { id: 'a1' });
    assert.deepEqual(readCourseFile({ courseId: 'cs101', studentId: null }), { courseId: 'cs101' });
    for (const value of [null, 'cs101', 7, ['cs101'], undefined]) {
      assert.equal(readCourseFile(value), undefined, JSON.stringify(value));
      assert.equal(readAssignmentFile(value), undefined, JSON.stringify(value));
    }
  });
});
