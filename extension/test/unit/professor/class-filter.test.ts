// Filtering a class on its own: what a filter keeps of the students of an
// assignment and of a course's workspaces, and in which order.

import * as assert from 'node:assert/strict';
import type { CourseMember, SubmissionSummary, WorkspaceInfo } from '@classpod/protocol';
import { describeFilter, filterFromArgument, filterStudents, filterWorkspaces, isFiltering, matchesFilter, NO_FILTER, studentWorkStates } from '../../../src/professor/class-filter';

const member = (personId: string, name: string): CourseMember => ({ personId, name, role: 'student' });

function submission(studentId: string, status: SubmissionSummary['status'], late = false): SubmissionSummary {
  return { id: `sub-${studentId}`, courseId: 'cs101', assignmentId: 'hello-c', studentId, snapshotHash: 'ab'.repeat(32), submittedAt: '2026-11-24T10:00:00.000Z', source: 'submitted', late, penaltyPercent: late ? 10 : 0, status, fileCount: 1, totalBytes: 3 };
}

function workspace(studentId: string, state: WorkspaceInfo['state'], studentName?: string): WorkspaceInfo {
  return { workspaceId: `cs101--${studentId}`, courseId: 'cs101', studentId, ...(studentName ? { studentName } : {}), state, connectPath: `/v1/workspaces/cs101--${studentId}/connect` };
}

const members = [member('s3', 'Carol Chen'), member('s1', 'Alice Martin'), member('s2', 'bob brown')];
const byStudent = new Map<string, SubmissionSummary[]>([
  ['s1', [submission('s1', 'graded', true)]],
  ['s3', [submission('s3', 'failed')]],
  ['x9', [submission('x9', 'queued')]], // submitted, but no longer in the course list
]);

describe('class filter', function () {
  it('says where a student stands from their latest submission', function () {
    assert.deepEqual(studentWorkStates([]), ['not submitted']);
    assert.deepEqual(studentWorkStates([submission('a', 'graded', true), submission('a', 'failed')]), ['graded', 'late']);
    assert.deepEqual(studentWorkStates([submission('a', 'failed')]), ['failed']);
    assert.deepEqual(studentWorkStates([submission('a', 'queued')]), ['grading']);
    assert.deepEqual(studentWorkStates([submission('a', 'grading')]), ['grading']);
  });

  it('narrows nothing with blank text and no states', function () {
    assert.equal(isFiltering(NO_FILTER), false);
    assert.equal(isFiltering({ text: '   ', states: [] }), false);
    assert.equal(isFiltering({ text: 'a', states: [] }), true);
    assert.equal(isFiltering({ text: '', states: ['late'] }), true);
  });

  it('matches a piece of any name, in any case, and any one of the states', function () {
    assert.equal(matchesFilter({ text: ' ALI ', states: [] }, [undefined, 'Alice Martin'], []), true);
    assert.equal(matchesFilter({ text: 'zed', states: [] }, ['s1', 'Alice'], []), false);
    assert.equal(matchesFilter({ text: '', states: ['late', 'failed'] }, ['s1'], ['graded', 'late']), true);
    assert.equal(matchesFilter({ text: '', states: ['failed'] }, ['s1'], ['graded', 'late']), false);
    assert.equal(matchesFilter({ text: 's1', states: ['failed'] }, ['s1'], ['graded']), false, 'text and states must both match');
  });

  it('describes itself for the view', function () {
    assert.equal(describeFilter({ text: ' ali ', states: ['graded', 'late'] }), 'name: ali · state: graded, late');
    assert.equal(describeFilter(NO_FILTER), '');
  });

  describe('students of an assignment', function () {
    it('lists the course and anyone else who submitted, by name, the unnamed by id', function () {
      const rows = filterStudents(NO_FILTER, members, byStudent);
      assert.deepEqual(rows.map((s) => s.name), ['Alice Martin', 'bob brown', 'Carol Chen', 'x9']);
      assert.deepEqual(rows.map((s) => s.states), [['graded', 'late'], ['not submitted'], ['failed'], ['grading']]);
    });

    it('lists only those who submitted before the course list is loaded', function () {
      assert.deepEqual(filterStudents(NO_FILTER, undefined, byStudent).map((s) => s.id), ['s1', 's3', 'x9']);
    });

    it('keeps those whose name or id holds the text', function () {
      assert.deepEqual(filterStudents({ text: 'B', states: [] }, members, byStudent).map((s) => s.id), ['s2']);
      assert.deepEqual(filterStudents({ text: 's3', states: [] }, members, byStudent).map((s) => s.id), ['s3']);
    });

    it('keeps those in any of the states', function () {
      assert.deepEqual(filterStudents({ text: '', states: ['late'] }, members, byStudent).map((s) => s.id), ['s1']);
      assert.deepEqual(filterStudents({ text: '', states: ['not submitted', 'failed'] }, members, byStudent).map((s) => s.id), ['s2', 's3']);
      assert.deepEqual(filterStudents({ text: 'nobody', states: [] }, members, byStudent), []);
    });
  });

  describe('workspaces of a course', function () {
    const workspaces = [workspace('s3', 'running', 'Carol Chen'), workspace('s1', 'stopped', 'Alice Martin'), workspace('a0', 'failed')];

    it('lists them by student name, the unnamed by id', function () {
      assert.deepEqual(filterWorkspaces(NO_FILTER, workspaces).map((w) => w.studentId), ['a0', 's1', 's3']);
    });

    it('keeps those in any of the states, or whose student matches the text', function () {
      assert.deepEqual(filterWorkspaces({ text: '', states: ['running', 'failed'] }, workspaces).map((w) => w.studentId), ['a0', 's3']);
      assert.deepEqual(filterWorkspaces({ text: 'martin', states: [] }, workspaces).map((w) => w.studentId), ['s1']);
      assert.deepEqual(filterWorkspaces({ text: 'A0', states: [] }, workspaces).map((w) => w.studentId), ['a0']);
    });

    it('leaves the list it is given as it was', function () {
      const before = workspaces.map((w) => w.studentId);
      filterWorkspaces(NO_FILTER, workspaces);
      assert.deepEqual(workspaces.map((w) => w.studentId), before);
    });
  });

  describe('a filter given as a command argument', function () {
    it('is read when it is one', function () {
      assert.deepEqual(filterFromArgument({ text: 'ali' }), { text: 'ali', states: [] });
      assert.deepEqual(filterFromArgument({ states: ['late'] }), { text: '', states: ['late'] });
      assert.deepEqual(filterFromArgument({ text: '', states: [] }), { text: '', states: [] });
    });

    it('is none for what a title-bar button or a row passes, so the inputs open', function () {
      for (const arg of [undefined, null, {}, [], 'grace', { kind: 'cluster', id: 'cluster' }, { $treeViewId: 'classpod.cluster' }, { text: 3 }, { states: 'late' }, { text: 'a', other: 1 }]) {
        assert.equal(filterFromArgument(arg), undefined, JSON.stringify(arg));
      }
    });
  });
});
