// The staff actions announce what they changed of a course or its assignments
// (the Courses view reads those again): a new or renamed course, new dates,
// an assignment stored from its folder; a check that stores nothing, and a
// change the hub refused, announce nothing.

import * as assert from 'node:assert/strict';
import { ClusterCache } from '../../../src/professor/cluster-cache';
import type { HubRequester } from '../../../src/professor/hub-requester';
import { StaffActions, type CourseChange } from '../../../src/professor/staff-actions';

/** A stand-in for the hub: answers by method; a method it does not know fails as the hub refusing it. */
function staffActions(answers: Record<string, (params: Record<string, unknown>) => unknown>): { actions: StaffActions; changes: CourseChange[] } {
  const request: HubRequester = async (type, params) => {
    const answer = answers[type.method];
    if (!answer) throw new Error(`forbidden: ${type.method}`);
    return answer(params as Record<string, unknown>) as never;
  };
  const actions = new StaffActions(request, new ClusterCache(request));
  const changes: CourseChange[] = [];
  actions.onDidChangeCourse((c) => changes.push(c));
  return { actions, changes };
}

const assignment = { id: 'c-sum', courseId: 'cs303', title: 'Sum', extended: false, latePolicy: { penaltyPercentPerDay: 10 }, state: 'not started', maxScore: 10 };

describe('staff actions announce course changes', function () {
  it('announces a new course, a renamed one, new dates and a stored assignment', async function () {
    const { actions, changes } = staffActions({
      'courses/create': (p) => ({ settings: { courseId: p.courseId, title: p.title } }),
      'courses/update': (p) => ({ settings: { courseId: p.courseId, title: p.title } }),
      'assignments/setDates': () => ({ dueAt: '2026-12-10T23:24:00.000Z', penaltyPercentPerDay: 10 }),
      'assignments/upsert': (p) => ({ assignment, created: true, dryRun: p.dryRun, receives: [] }),
    });
    await actions.createCourse('cs303', 'Compilers');
    await actions.updateCourse({ courseId: 'cs303', title: 'Compilers II' });
    await actions.setAssignmentDates({ courseId: 'cs303', assignmentId: 'c-sum', dueAt: '2026-12-10T23:24:00.000Z' });
    await actions.upsertAssignment('cs303', 'c-sum', [], false);
    assert.deepEqual(changes, [
      { courseId: 'cs303', what: 'course' },
      { courseId: 'cs303', what: 'course' },
      { courseId: 'cs303', what: 'assignments' },
      { courseId: 'cs303', what: 'assignments' },
    ]);
  });

  it('announces nothing for a check that stores nothing, a refused change, or after it is disposed', async function () {
    const { actions, changes } = staffActions({
      'assignments/upsert': (p) => ({ assignment, created: true, dryRun: p.dryRun, receives: [] }),
      'courses/create': (p) => ({ settings: { courseId: p.courseId, title: p.title } }),
    });
    await actions.upsertAssignment('cs303', 'c-sum', [], true);
    await assert.rejects(() => actions.setAssignmentDates({ courseId: 'cs303', assignmentId: 'c-sum', dueAt: null }), /forbidden/);
    actions.dispose();
    await actions.createCourse('cs404', 'Not Found');
    assert.deepEqual(changes, []);
  });
});
