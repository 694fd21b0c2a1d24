// When an assignment that reveals hidden tests after the deadline
// (`results.revealHiddenAfterDeadline`) lets one student read their names:
// once the last moment that student could still submit has passed, the
// cut-off if there is one, else the due time, their extension included, moved
// by the late days they may still use on it (late-days.ts): a student who can
// still hand in never reads the names first.
// Before it, a hidden test is "hidden test 2 of 4"; after it, its name and
// verdict (never its input, expected output or files: those stay on the
// grader side).

import type { Assignment, Extension } from '../store/records';
import { effectiveDeadline } from './late-policy';

const DAY_MS = 86_400_000;

/** The instant hidden test names are revealed to the student, or undefined when never; `lateDaysAllowed`: what the assignment may still take of theirs. */
export function hiddenRevealTime(a: Assignment, ext: Extension | undefined, lateDaysAllowed = 0): Date | undefined {
  if (!a.revealHiddenAfterDeadline) return undefined;
  const d = effectiveDeadline(a, ext);
  const base = d.cutoffAt ?? d.dueAt;
  return base ? new Date(base.getTime() + lateDaysAllowed * DAY_MS) : undefined;
}

/** Whether, at `now` by the hub's clock, the student reads hidden test names. */
export function hiddenNamesRevealed(a: Assignment, ext: Extension | undefined, now: Date, lateDaysAllowed = 0): boolean {
  const at = hiddenRevealTime(a, ext, lateDaysAllowed);
  return at !== undefined && now.getTime() >= at.getTime();
}
