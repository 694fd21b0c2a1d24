import * as assert from 'node:assert/strict';
import type { AssignmentSummary } from '@classpod/protocol';
import { formatScore, handsInWork, presentAssignment } from '../../../src/courses/assignment-presentation';

const now = new Date('2026-11-24T12:00:00Z');
const base: AssignmentSummary = {
  id: 'hello-c',
  courseId: 'cs101',
  title: 'Hello, C',
  dueAt: '2026-11-27T22:59:00Z',
  extended: false,
  latePolicy: { penaltyPercentPerDay: 10, cutoffAt: '2026-11-29T22:59:00Z' },
  state: 'in progress',
};

describe('assignment presentation', function () {
  it('shows the due time relative and absolute, and the state', function () {
    const p = presentAssignment(base, now, 'Europe/Paris');
    assert.equal(p.description, 'due in 3 days · in progress');
    assert.ok(p.tooltip.includes('Due Fri, 27 Nov 2026, 23:59 (Europe/Paris)'));
    assert.ok(p.tooltip.some((l) => l.startsWith('Late submissions until Sun, 29 Nov 2026, 23:59')));
    assert.equal(p.contextValue, 'assignment.in-progress');
  });

  it('shows a course the person teaches without a state or a Submit button', function () {
    for (const role of ['professor', 'assistant'] as const) {
      const p = presentAssignment({ ...base, state: 'not started' }, now, 'UTC', role);
      assert.equal(p.description, 'due in 3 days');
      assert.ok(!p.tooltip.some((l) => l.startsWith('State:')), 'no state in the tooltip');
      // No context value starting "assignment": the menus' Submit, Open and Terminal do not match it.
      assert.equal(p.contextValue, 'staffAssignment');
      assert.ok(!handsInWork(role));
    }
    assert.ok(handsInWork('student'));
    assert.equal(presentAssignment({ ...base, dueAt: undefined }, now, 'UTC', 'professor').description, 'no due time');
  });

  it('shows the score once graded', function () {
    const p = presentAssignment({ ...base, state: 'graded', score: 8.5, maxScore: 10 }, now, 'UTC');
    assert.equal(p.description, 'due in 3 days · graded 8.5/10');
    assert.equal(p.icon, 'pass-filled');
  });

  it('says when a deadline passed and marks an extension', function () {
    const p = presentAssignment({ ...base, dueAt: '2026-11-24T10:00:00Z', extended: true, state: 'late' }, now, 'UTC');
    assert.equal(p.description, 'was due 2 hours ago · late');
    assert.ok(p.tooltip.some((l) => l.endsWith('(extended for you)')));
  });

  it('formats scores', function () {
    assert.equal(formatScore(7, 10), '7/10');
    assert.equal(formatScore(7.25), '7.3');
  });

  it('shows a student their group on a group assignment', () => {
    const p = presentAssignment({ ...base, groupMaxSize: 3, group: { groupId: 'team-a', members: [{ personId: 'ana', name: 'Ana' }, { personId: 'ben', name: 'Ben' }], connectPath: '/v1/workspaces/c1--a1--team-a/connect' } }, now, 'UTC');
    assert.match(p.description, /Group: Ana, Ben/);
    assert.ok(p.tooltip.some((l) => l.startsWith('Group: Ana, Ben — you share one workspace and one grade')));
    assert.doesNotMatch(presentAssignment(base, now, 'UTC').description, /Group/);
  });
});
