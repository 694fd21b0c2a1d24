// How a student's late days read: "2 late days left" before the due time,
// "late: using 1 late day" once late (the days the hub will spend, a started
// day counting as a day, as the hub counts them: hub/src/deadlines/late-days.ts).
// On a group assignment the days are the group's (the least any member has
// left, every member charged), so the words say so.

import type { AssignmentSummary } from '@classpod/protocol';

const DAY_MS = 86_400_000;

/** "1 late day", "2 late days". */
export function lateDaysCount(n: number): string {
  return `${n} late day${n === 1 ? '' : 's'}`;
}

/** Whether the assignment is past its due time but still takes work thanks to late days. */
export function inLateDayWindow(a: Pick<AssignmentSummary, 'dueAt' | 'lateDays'>, now: number): boolean {
  if (!a.dueAt || !a.lateDays?.lastSubmissionAt || a.lateDays.allowed <= 0) return false;
  return now > Date.parse(a.dueAt) && now <= Date.parse(a.lateDays.lastSubmissionAt);
}

/**
 * The late-day words for an assignment, or undefined when the student has no
 * late days in the course. `open`: nothing handed in yet.
 */
export function lateDaysText(
  a: Pick<AssignmentSummary, 'dueAt' | 'lateDays'> & Partial<Pick<AssignmentSummary, 'group' | 'latePolicy'>>,
  now: number,
  open: boolean,
): string | undefined {
  const l = a.lateDays;
  if (!l) return undefined;
  const using = a.group ? 'late: your group is using' : 'late: using';
  if (l.used > 0) return `${using} ${lateDaysCount(l.used)}`;
  if (open && a.dueAt && now > Date.parse(a.dueAt) && l.allowed > 0) {
    return `${using} ${lateDaysCount(Math.min(l.allowed, Math.ceil((now - Date.parse(a.dueAt)) / DAY_MS)))}`;
  }
  if (l.allowed > 0) return `${lateDaysCount(l.allowed)} left${a.group ? ' for your group' : ''}`;
  if (l.remaining > 0) return a.group && a.latePolicy?.maxLateDays !== 0 ? 'your group has no late days left' : 'no late days on this assignment';
  return 'no late days left';
}
