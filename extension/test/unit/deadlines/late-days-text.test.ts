// How late days read to a student: before the due time, once late, after a
// late submission, with none left, and on an assignment that takes none; on a
// group assignment, in the group's words (what the group may use, the
// student's own days left in the tooltip); in the assignment row and its tooltip.

import * as assert from 'node:assert/strict';
import type { AssignmentSummary } from '@classpod/protocol';
import { presentAssignment } from '../../../src/courses/assignment-presentation';
import { inLateDayWindow, lateDaysCount, lateDaysText } from '../../../src/deadlines/late-days-text';

const due = '2026-11-27T12:00:00.000Z';
const H = 3_600_000;
const at = (ms: number): number => Date.parse(due) + ms;
const base: AssignmentSummary = {
  id: 'hello-c',
  courseId: 'cs101',
  title: 'Hello, C',
  dueAt: due,
  extended: false,
  latePolicy: { penaltyPercentPerDay: 10 },
  state: 'in progress',
  lateDays: { remaining: 2, allowed: 2, used: 0, lastSubmissionAt: new Date(at(48 * H)).toISOString() },
};

describe('late days text', function () {
  it('counts days in words', function () {
    assert.equal(lateDaysCount(1), '1 late day');
    assert.equal(lateDaysCount(2), '2 late days');
  });

  it('says how many are left before the due time, and what being late spends after it', function () {
    assert.equal(lateDaysText(base, at(-H), true), '2 late days left');
    assert.equal(lateDaysText(base, at(H), true), 'late: using 1 late day');
    assert.equal(lateDaysText(base, at(24 * H + 1), true), 'late: using 2 late days');
    assert.equal(lateDaysText({ ...base, lateDays: { remaining: 1, allowed: 2, used: 1 } }, at(H), false), 'late: using 1 late day');
    assert.equal(lateDaysText({ ...base, lateDays: { remaining: 0, allowed: 0, used: 0 } }, at(-H), true), 'no late days left');
    assert.equal(lateDaysText({ ...base, lateDays: { remaining: 3, allowed: 0, used: 0 } }, at(-H), true), 'no late days on this assignment');
    assert.equal(lateDaysText({ ...base, lateDays: undefined }, at(-H), true), undefined);
  });

  it("speaks of the group's days on a group assignment", function () {
    const group = { groupId: 'team-a', members: [{ personId: 'alice', name: 'Alice' }, { personId: 'bob', name: 'Bob' }], connectPath: '/v1/workspaces/cs101--hello-c--team-a/connect' };
    const team = { ...base, group, lateDays: { remaining: 2, allowed: 1, used: 0 } };
    assert.equal(lateDaysText(team, at(-H), true), "1 late day left for your group");
    assert.equal(lateDaysText(team, at(H), true), 'late: your group is using 1 late day');
    assert.equal(lateDaysText({ ...team, lateDays: { remaining: 0, allowed: 2, used: 2 } }, at(H), false), 'late: your group is using 2 late days');
    assert.equal(lateDaysText({ ...team, lateDays: { remaining: 2, allowed: 0, used: 0 } }, at(-H), true), 'your group has no late days left');
    assert.equal(lateDaysText({ ...team, latePolicy: { penaltyPercentPerDay: 10, maxLateDays: 0 }, lateDays: { remaining: 2, allowed: 0, used: 0 } }, at(-H), true), 'no late days on this assignment');
    const p = presentAssignment(team, new Date(at(-3 * 24 * H)), 'UTC');
    assert.ok(p.tooltip.includes("Late days: 1 late day left for your group (2 left in the course)"), p.tooltip.join('\n'));
  });

  it('knows the window late days keep open', function () {
    assert.equal(inLateDayWindow(base, at(-H)), false);
    assert.equal(inLateDayWindow(base, at(H)), true);
    assert.equal(inLateDayWindow(base, at(48 * H)), true);
    assert.equal(inLateDayWindow(base, at(48 * H + 1)), false);
    assert.equal(inLateDayWindow({ ...base, lateDays: { remaining: 0, allowed: 0, used: 0 } }, at(H)), false);
  });

  it('shows them in the assignment row and its tooltip', function () {
    const p = presentAssignment(base, new Date(at(-3 * 24 * H)), 'UTC');
    assert.equal(p.description, 'due in 3 days · in progress · 2 late days left');
    assert.ok(p.tooltip.includes('Late days: 2 late days left (2 left in the course)'), p.tooltip.join('\n'));
    const late = presentAssignment({ ...base, state: 'late', lateDays: { remaining: 1, allowed: 2, used: 1 } }, new Date(at(2 * H)), 'UTC');
    assert.match(late.description, /late · late: using 1 late day$/);
  });
});
