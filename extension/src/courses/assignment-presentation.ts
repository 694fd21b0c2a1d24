// How an assignment reads in the Classpod view: the line beside its title
// (due time relative and absolute, state, score), its tooltip and its icon.
// In a course the person teaches there is nothing to hand in: the row shows
// the assignment's due time, and none of a student's states or actions.

import type { AssignmentState, AssignmentSummary, CourseRole } from '@classpod/protocol';
import { lateDaysText } from '../deadlines/late-days-text';
import { attemptsText } from '../submissions/attempts-text';
import { formatAbsolute, formatRelative } from '../deadlines/time-format';
import { formatScore, overrideText } from '../results/result-text';

/** What the tree shows for one assignment. */
export interface AssignmentPresentation {
  label: string;
  /** Beside the label: "due in 2 days · graded 8/10". */
  description: string;
  /** Lines of the hover. */
  tooltip: string[];
  /** Codicon id for the state. */
  icon: string;
  /** Theme colour id for the icon, if any. */
  iconColor?: string;
  /** `assignment.<state>` for menus. */
  contextValue: string;
}

const icons: Record<AssignmentState, { icon: string; color?: string }> = {
  'not started': { icon: 'circle-large-outline' },
  'in progress': { icon: 'edit', color: 'charts.blue' },
  submitted: { icon: 'cloud-upload', color: 'charts.purple' },
  late: { icon: 'warning', color: 'charts.orange' },
  graded: { icon: 'pass-filled', color: 'charts.green' },
};

export { formatScore };

/** "Group: Ana, Ben" for a student in a group of a group assignment. */
export function groupText(a: Pick<AssignmentSummary, 'group'>): string | undefined {
  if (!a.group) return undefined;
  return `Group: ${a.group.members.map((m) => m.name ?? m.personId).join(', ')}`;
}

/** True when the person hands in work in a course with this role (a student), so the student's chrome applies. */
export function handsInWork(role: CourseRole): boolean {
  return role === 'student';
}

/** An assignment of a course the person teaches: its due time, no state, no Submit (context `staffAssignment`). */
function presentTaughtAssignment(a: AssignmentSummary, now: Date, timeZone?: string): AssignmentPresentation {
  const tooltip = [a.title, a.dueAt ? `Due ${formatAbsolute(new Date(a.dueAt), timeZone)}` : 'No due time', 'You teach this course: its submissions are in the Cluster view.'];
  const description = a.dueAt ? `${new Date(a.dueAt).getTime() <= now.getTime() ? 'was due' : 'due'} ${formatRelative(new Date(a.dueAt), now)}` : 'no due time';
  return { label: a.title, description, tooltip, icon: 'book', contextValue: 'staffAssignment' };
}

export function presentAssignment(a: AssignmentSummary, now: Date, timeZone?: string, role: CourseRole = 'student'): AssignmentPresentation {
  if (!handsInWork(role)) return presentTaughtAssignment(a, now, timeZone);
  const parts: string[] = [];
  const tooltip: string[] = [a.title];
  if (a.dueAt) {
    const due = new Date(a.dueAt);
    const past = due.getTime() <= now.getTime();
    parts.push(past ? `was due ${formatRelative(due, now)}` : `due ${formatRelative(due, now)}`);
    tooltip.push(`Due ${formatAbsolute(due, timeZone)}${a.extended ? ' (extended for you)' : ''}`);
    if (a.latePolicy.cutoffAt) tooltip.push(`Late submissions until ${formatAbsolute(new Date(a.latePolicy.cutoffAt), timeZone)}, −${a.latePolicy.penaltyPercentPerDay}% per day`);
  } else {
    tooltip.push('No due time');
  }
  if (a.state === 'graded' && a.score !== undefined) parts.push(`graded ${formatScore(a.score, a.maxScore)}${a.override ? ' (set by your professor)' : ''}`);
  else parts.push(a.state);
  const lateDays = lateDaysText(a, now.getTime(), a.state === 'not started' || a.state === 'in progress');
  if (lateDays) {
    parts.push(lateDays);
    tooltip.push(`Late days: ${lateDays}${a.lateDays ? ` (${a.lateDays.remaining} left in the course)` : ''}`);
    if (a.lateDays?.lastSubmissionAt && a.lateDays.allowed > 0) tooltip.push(`With your late days, submissions are taken until ${formatAbsolute(new Date(a.lateDays.lastSubmissionAt), timeZone)}`);
  }
  const attempts = attemptsText(a.attempts, now, timeZone);
  if (attempts) {
    parts.push(attempts);
    tooltip.push(`Submissions: ${attempts}${a.attempts?.extra ? ` (${a.attempts.extra} extra granted)` : ''}`);
  }
  const group = groupText(a);
  if (group) {
    parts.push(group);
    tooltip.push(`${group} — you share one workspace and one grade; every member's edits sync to the others`);
  }
  if (a.hiddenRevealAt) {
    const at = new Date(a.hiddenRevealAt);
    tooltip.push(at.getTime() <= now.getTime() ? 'Hidden tests: names and verdicts shown in your results' : `Hidden tests: names shown after ${formatAbsolute(at, timeZone)}`);
  }
  tooltip.push(`State: ${a.state}`);
  if (a.score !== undefined) tooltip.push(`Score: ${formatScore(a.score, a.maxScore)}`);
  if (a.override) tooltip.push(overrideText(a.override, a.maxScore, 'your professor'));
  const style = icons[a.state];
  return {
    label: a.title,
    description: parts.join(' · '),
    tooltip,
    icon: style.icon,
    ...(style.color ? { iconColor: style.color } : {}),
    contextValue: `assignment.${a.state.replace(' ', '-')}`,
  };
}
