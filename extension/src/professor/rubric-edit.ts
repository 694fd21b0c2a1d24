// "Edit Rubric…" as plain logic: an assignment's rubric as the rows of a
// quick pick (points, description, where it is applied), what a professor
// types checked as they type (points a number within the protocol's bounds,
// negative for a deduction; a description that is not empty), one edit (add,
// change, remove) turned into the new item list that `rubrics/set` receives,
// and the words of the warning before an applied item goes and of the
// message after. The hub decides who may edit and rescores what follows;
// the VS Code layer only asks and sends.

import { MAX_RUBRIC_ITEMS, MAX_RUBRIC_POINTS, plural, type RubricItem } from '@classpod/protocol';
import { rubricPoints } from '../results/result-text';

/** Longest description the protocol accepts. */
export const MAX_RUBRIC_DESCRIPTION = 500;

/** One edit of a rubric. */
export type RubricEdit =
  | { kind: 'add'; description: string; points: number }
  | { kind: 'change'; itemId: string; description?: string; points?: number }
  | { kind: 'remove'; itemId: string };

/** One row of the rubric's quick pick: an item, or the row that adds one. */
export interface RubricEditRow {
  /** The item's id; undefined on the "Add an item…" row. */
  itemId?: string;
  /** "+5  Clear names and consistent indentation". */
  label: string;
  /** The item's id. */
  description?: string;
  /** "applied to 2 submissions", or "applied to none". */
  detail?: string;
}

/** The rows for `items` (in order) with where each is applied, then the row that adds one. */
export function rubricEditRows(items: readonly RubricItem[], appliedTo: Readonly<Record<string, number>>): RubricEditRow[] {
  const rows: RubricEditRow[] = items.map((i) => ({ itemId: i.id, label: `${rubricPoints(i.points)}  ${i.description}`, description: i.id, detail: appliedText(appliedTo[i.id] ?? 0) }));
  if (items.length < MAX_RUBRIC_ITEMS) rows.push({ label: '$(add) Add an item…', detail: 'Points (negative for a deduction) and what earns them' });
  return rows;
}

function appliedText(n: number): string {
  return n === 0 ? 'applied to no submission' : `applied to ${plural(n, 'submission')}`;
}

/** Points as typed ("5", "+2.5", "-10", "−10"), or undefined when it is not such a number. */
export function parsePoints(text: string): number | undefined {
  const t = text.trim().replace(/^[−–]/, '-');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** What is wrong with typed points (the input box shows it), or undefined when they will do. */
export function pointsProblem(text: string): string | undefined {
  const n = parsePoints(text);
  if (n === undefined) return 'Write a number of points, e.g. 5, or -10 for a deduction';
  if (Math.abs(n) > MAX_RUBRIC_POINTS) return `At most ${MAX_RUBRIC_POINTS} points either way`;
  return undefined;
}

/** What is wrong with a typed description (the input box shows it), or undefined when it will do. */
export function descriptionProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Say what earns these points: the student reads it';
  if (text.trim().length > MAX_RUBRIC_DESCRIPTION) return `At most ${MAX_RUBRIC_DESCRIPTION} characters`;
  return undefined;
}

/** An id for a new item from its description ("Comments explain why" → "comments-explain-why"), unused in `items`. */
export function newItemId(description: string, items: readonly RubricItem[]): string {
  const taken = new Set(items.map((i) => i.id));
  const slug =
    description
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'item';
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

/** The rubric after `edit`: the list `rubrics/set` receives. Refuses an edit the form could not have made. */
export function applyRubricEdit(items: readonly RubricItem[], edit: RubricEdit): RubricItem[] {
  const check = (description: string, points: number): void => {
    const problem =
      descriptionProblem(description) ?? (!Number.isFinite(points) ? 'points must be a number' : Math.abs(points) > MAX_RUBRIC_POINTS ? `at most ${MAX_RUBRIC_POINTS} points either way` : undefined);
    if (problem) throw new Error(problem);
  };
  if (edit.kind === 'add') {
    if (items.length >= MAX_RUBRIC_ITEMS) throw new Error(`a rubric has at most ${MAX_RUBRIC_ITEMS} items`);
    check(edit.description, edit.points);
    return [...items, { id: newItemId(edit.description, items), points: edit.points, description: edit.description.trim() }];
  }
  if (!items.some((i) => i.id === edit.itemId)) throw new Error(`the rubric has no item ${edit.itemId}`);
  if (edit.kind === 'remove') return items.filter((i) => i.id !== edit.itemId);
  return items.map((i) => {
    if (i.id !== edit.itemId) return { ...i };
    const changed = { id: i.id, points: edit.points ?? i.points, description: (edit.description ?? i.description).trim() };
    check(changed.description, changed.points);
    return changed;
  });
}

/** The warning before removing an item applied to `applied` submissions, or undefined when it is applied nowhere. */
export function removalWarning(item: RubricItem, applied: number): { message: string; detail: string } | undefined {
  if (applied === 0) return undefined;
  return {
    message: `Remove “${item.description}” (${rubricPoints(item.points)}) from the rubric?`,
    detail: `It is applied to ${plural(applied, 'submission')}: it is unapplied from each, their scores lose its ${rubricPoints(item.points)}, and their students are told the new score.`,
  };
}

/** What the professor is told after saving: "Rubric of c-sum saved (3 items); 2 submissions rescored." */
export function rubricSavedText(assignment: string, items: number, rescored: number): string {
  return `Rubric of ${assignment} saved (${plural(items, 'item')}); ${rescored === 0 ? 'no score changed' : `${plural(rescored, 'submission')} rescored`}.`;
}
