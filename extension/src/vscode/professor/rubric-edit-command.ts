// "Edit Rubric…" on an assignment row of the Cluster view (professors): the
// rubric's items in a quick pick, then one edit — add an item (description,
// then points), change an item's points or description, or remove it (after
// a warning when it is applied somewhere). The hub checks who may, saves the
// list and rescores the submissions it touches; their students and the staff
// hear the new scores as events. Tests pass the answer as a second argument:
// `{ items: [...] }` (the whole new rubric) or one edit (`{ kind: 'add', … }`).

import * as vscode from 'vscode';
import { plural, type RubricItem } from '@classpod/protocol';
import type { ClusterNode } from '../../professor/cluster-nodes';
import type { ProfessorSession } from '../../professor/professor-session';
import {
  applyRubricEdit,
  descriptionProblem,
  parsePoints,
  pointsProblem,
  removalWarning,
  rubricEditRows,
  rubricSavedText,
  type RubricEdit,
} from '../../professor/rubric-edit';
import { rubricPoints } from '../../results/result-text';
import type { Logger } from '../../log';

type AssignmentNode = Extract<ClusterNode, { kind: 'assignment' }>;

/** What the command is given instead of asking: the whole new rubric, or one edit. */
export type RubricEditArgs = { items: RubricItem[] } | RubricEdit;

export class RubricEditCommand {
  constructor(
    private readonly session: () => ProfessorSession | undefined,
    private readonly logger: Logger,
  ) {}

  all(): Record<string, (...args: never[]) => unknown> {
    return { 'classpod.professor.editRubric': (node: AssignmentNode, args?: RubricEditArgs) => this.edit(node, args) };
  }

  /** Edit the rubric of the row's assignment; resolves to what the hub saved, or undefined when cancelled or refused. */
  async edit(node: AssignmentNode, args?: RubricEditArgs): Promise<{ items: RubricItem[]; rescored: number } | undefined> {
    try {
      const s = this.session();
      if (!s) throw new Error('Sign in to Classpod as a professor first.');
      const { courseId, assignmentId } = node;
      const role = s.cache.courses().find((c) => c.id === courseId)?.role;
      if (role === 'assistant') throw new Error(`only professors of ${courseId} edit its rubric; assistants apply it (Apply Rubric… on a submission)`);
      const title = s.cache.assignment(courseId, assignmentId)?.title ?? assignmentId;
      const current = await s.actions.rubric(courseId, assignmentId);
      let items: RubricItem[] | undefined;
      if (args && 'items' in args) items = args.items;
      else {
        const edit = args ?? (await this.ask(title, current.items, current.appliedTo));
        if (!edit) return undefined;
        items = applyRubricEdit(current.items, edit);
      }
      const saved = await s.actions.setRubric(courseId, assignmentId, items);
      void vscode.window.showInformationMessage(rubricSavedText(title, saved.items.length, saved.rescored));
      return saved;
    } catch (err) {
      this.logger.warn('could not edit a rubric', { err });
      void vscode.window.showErrorMessage(`Could not edit the rubric: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** One edit, asked for with VS Code's own inputs; undefined when the professor cancels. */
  private async ask(title: string, items: RubricItem[], appliedTo: Record<string, number>): Promise<RubricEdit | undefined> {
    const row = await vscode.window.showQuickPick(rubricEditRows(items, appliedTo), {
      title: `Rubric of ${title}`,
      placeHolder: items.length === 0 ? 'No items yet: add one' : 'Pick an item to change or remove, or add one',
      matchOnDescription: true,
    });
    if (!row) return undefined;
    if (row.itemId === undefined) {
      const description = await this.askDescription(`Add an item to the rubric of ${title} (1/2)`, '');
      if (description === undefined) return undefined;
      const points = await this.askPoints(`Add an item to the rubric of ${title} (2/2)`, `Points for “${description}”: added to the score, negative for a deduction (e.g. 5 or -10)`, '');
      return points === undefined ? undefined : { kind: 'add', description, points };
    }
    const item = items.find((i) => i.id === row.itemId)!;
    const applied = appliedTo[item.id] ?? 0;
    const follows = applied > 0 ? ` It is applied to ${plural(applied, 'submission')}: their scores follow.` : '';
    const action = await vscode.window.showQuickPick(
      [
        { label: 'Change points…', detail: `Now ${rubricPoints(item.points)}.${follows}`, action: 'points' as const },
        { label: 'Change description…', detail: 'What the student reads', action: 'description' as const },
        { label: 'Remove', detail: applied > 0 ? 'It is unapplied from the submissions it is applied to' : 'It is applied nowhere', action: 'remove' as const },
      ],
      { title: `${rubricPoints(item.points)}  ${item.description}`, placeHolder: 'What to do with this item?' },
    );
    if (!action) return undefined;
    if (action.action === 'points') {
      const points = await this.askPoints(`Points of “${item.description}”`, `Added to the score, negative for a deduction.${follows}`, String(item.points));
      return points === undefined ? undefined : { kind: 'change', itemId: item.id, points };
    }
    if (action.action === 'description') {
      const description = await this.askDescription(`Description of ${item.id}`, item.description);
      return description === undefined ? undefined : { kind: 'change', itemId: item.id, description };
    }
    const warning = removalWarning(item, applied);
    if (warning) {
      const ok = await vscode.window.showWarningMessage(warning.message, { modal: true, detail: warning.detail }, 'Remove');
      if (ok !== 'Remove') return undefined;
    }
    return { kind: 'remove', itemId: item.id };
  }

  private async askDescription(title: string, value: string): Promise<string | undefined> {
    const text = await vscode.window.showInputBox({ title, prompt: 'What earns these points, as the student reads it', value, validateInput: descriptionProblem });
    return text === undefined ? undefined : text.trim();
  }

  private async askPoints(title: string, prompt: string, value: string): Promise<number | undefined> {
    const text = await vscode.window.showInputBox({ title, prompt, value, validateInput: pointsProblem });
    return text === undefined ? undefined : parsePoints(text);
  }
}
