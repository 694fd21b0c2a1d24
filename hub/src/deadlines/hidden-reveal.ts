// When an assignment that reveals hidden tests after the deadline
// (`results.revealHiddenAfterDeadline`) lets one student read their names:
// once the last moment that student could still submit has passed, the
// cut-off if there is one, else the due time, their extension included.
// Before it, a hidden test is "hidden test 2 of 4"; after it, its name and
// verdict (never its input, expected output or files: those stay on the
// grader side).

import type { Assignment, Extension } from '../store/records';
import { effectiveDeadline } from './late-policy';

/** The instant hidden test names are revealed to the student, or undefined when never. */
export function hiddenRevealTime(a: Assignment, ext: Extension | undefined): Date | undefined {
  if (!a.revealHiddenAfterDeadline) return undefined;
  const d = effectiveDeadline(a, ext);
  return d.cutoffAt ?? d.dueAt;
}

/** Whether, at `now` by the hub's clock, the student reads hidden test names. */
export function hiddenNamesRevealed(a: Assignment, ext: Extension | undefined, now: Date): boolean {
  const at = hiddenRevealTime(a, ext);
  return at !== undefined && now.getTime() >= at.getTime();
}
