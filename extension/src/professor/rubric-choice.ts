// "Apply Rubric…" as plain logic: a submission's rubric as the rows of a
// multi-select quick pick (points and description, checked when applied),
// and the changes a new choice makes (what to apply, what to unapply). The
// VS Code layer only shows the rows and sends the changes.

import type { SubmissionRubric } from '@classpod/protocol';
import { rubricPoints } from '../results/result-text';

/** One row of the quick pick. */
export interface RubricChoiceRow {
  itemId: string;
  /** "+5  Clear names and consistent indentation". */
  label: string;
  /** The item's id. */
  description: string;
  /** Checked: the item is applied now. */
  picked: boolean;
}

/** The rows for `rubric`, in the rubric's order, the applied ones checked. */
export function rubricChoiceRows(rubric: SubmissionRubric): RubricChoiceRow[] {
  const applied = new Set(rubric.applied.map((a) => a.itemId));
  return rubric.items.map((i) => ({ itemId: i.id, label: `${rubricPoints(i.points)}  ${i.description}`, description: i.id, picked: applied.has(i.id) }));
}

/** What choosing `chosen` (item ids) changes: the items to apply and to unapply. */
export function rubricChanges(rubric: SubmissionRubric, chosen: readonly string[]): { apply: string[]; unapply: string[] } {
  const known = new Set(rubric.items.map((i) => i.id));
  const applied = new Set(rubric.applied.map((a) => a.itemId));
  const want = new Set(chosen.filter((id) => known.has(id)));
  return {
    apply: rubric.items.filter((i) => want.has(i.id) && !applied.has(i.id)).map((i) => i.id),
    unapply: rubric.items.filter((i) => !want.has(i.id) && applied.has(i.id)).map((i) => i.id),
  };
}

/** What the professor is told after applying: "Rubric +5 applied; the score is 83/100." */
export function rubricAppliedText(points: number | undefined, scoreText: string): string {
  return points === undefined ? `No rubric items applied; the score is ${scoreText}.` : `Rubric ${rubricPoints(points)} applied; the score is ${scoreText}.`;
}
