// "Answer…" on a row of a course's Regrade Requests queue in the Cluster view:
// the answer's message (the student reads it), then what to do with it —
// close, regrade and close, or override the score and close. The hub does it
// in one act; the row leaves the queue and the count goes down.

import * as vscode from 'vscode';
import { MAX_REGRADE_MESSAGE_CHARS, type RegradeRequestInfo } from '@classpod/protocol';
import type { ClusterNode } from '../../professor/cluster-nodes';
import type { ProfessorSession } from '../../professor/professor-session';
import type { RegradeAnswer } from '../../professor/regrade-queue';
import type { Logger } from '../../log';

type RequestNode = Extract<ClusterNode, { kind: 'regradeRequest' }>;

const CHOICES: Array<{ label: string; detail: string; action: NonNullable<RegradeAnswer['action']> }> = [
  { label: 'Close', detail: 'The score stands; the student reads your answer', action: 'close' },
  { label: 'Regrade and close', detail: 'Grade the submission again, then the student reads your answer', action: 'regrade' },
  { label: 'Override and close', detail: 'Set the score by hand; your answer is its comment', action: 'override' },
];

/** What the answer did, in words. */
export function answeredText(r: RegradeRequestInfo): string {
  const who = r.studentName ?? r.studentId;
  switch (r.answer?.outcome) {
    case 'regraded':
      return `Answered ${who}'s regrade request; the submission is being graded again.`;
    case 'overridden':
      return `Answered ${who}'s regrade request; the score is now ${r.answer.score}.`;
    default:
      return `Answered and closed ${who}'s regrade request.`;
  }
}

export class RegradeRequestCommands {
  constructor(
    private readonly session: () => ProfessorSession | undefined,
    private readonly logger: Logger,
  ) {}

  all(): Record<string, (...args: never[]) => unknown> {
    return { 'classpod.professor.answerRegradeRequest': (node: RequestNode, args?: RegradeAnswer) => this.answer(node, args) };
  }

  /** Answer the request a row shows; `args` answers without asking (tests). */
  async answer(node: RequestNode, args?: RegradeAnswer): Promise<RegradeRequestInfo | undefined> {
    try {
      const s = this.session();
      if (!s) throw new Error('Sign in to Classpod as a professor or assistant first.');
      const queue = s.cache.regradeRequests;
      const r = queue.get(node.requestId);
      if (!r) throw new Error('This regrade request was already answered.');
      const who = r.studentName ?? r.studentId;
      const title = s.cache.assignment(r.courseId, r.assignmentId)?.title ?? r.assignmentId;
      const answer = args ?? (await this.ask(r, who, title, s));
      if (!answer) return undefined;
      const done = await queue.answer(r.id, answer);
      void vscode.window.showInformationMessage(answeredText(done));
      return done;
    } catch (err) {
      this.logger.warn('could not answer a regrade request', { err });
      void vscode.window.showErrorMessage(`Could not answer the regrade request: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async ask(r: RegradeRequestInfo, who: string, title: string, s: ProfessorSession): Promise<RegradeAnswer | undefined> {
    const message = await vscode.window.showInputBox({
      title: `Answer ${who}'s regrade request on ${title}`,
      prompt: `They asked: “${r.message}”. ${who} reads your answer.`,
      validateInput: (v) => (v.trim() === '' ? 'Write an answer: the student reads it' : v.length > MAX_REGRADE_MESSAGE_CHARS ? `At most ${MAX_REGRADE_MESSAGE_CHARS} characters` : undefined),
    });
    if (message === undefined) return undefined;
    const choice = await vscode.window.showQuickPick(CHOICES, { title: `Answer ${who}'s regrade request`, placeHolder: 'Then what?' });
    if (!choice) return undefined;
    if (choice.action !== 'override') return { message: message.trim(), action: choice.action };
    const sub = s.cache.submission(r.submissionId);
    const text = await vscode.window.showInputBox({
      title: `New score for ${who}'s submission to ${title}`,
      prompt: sub?.maxScore !== undefined ? `Maximum ${sub.maxScore}` : 'The score to set',
      value: sub?.score !== undefined ? String(sub.score) : '',
      validateInput: (v) => (v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : 'Write a number, e.g. 7.5'),
    });
    if (text === undefined) return undefined;
    return { message: message.trim(), action: 'override', score: Number(text) };
  }
}
