// Feedback on code through VS Code's Comments API. Staff comment on any line
// of a submission's read-only file (`classpod:` documents of the Cluster
// view): the gutter's "+" opens a thread, *Add Comment* sends it to the hub,
// and a thread answered again stays on its lines. A student sees the threads
// on the same lines of the same file in their own assignment folder, read
// only, each labelled with the submission it is about. Threads load when a
// document opens or comes to the front; what they say is the hub's.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { AddFeedbackRequest, ListFeedbackRequest, ListSubmissionsRequest, type FeedbackComment, type RpcEndpoint } from '@classpod/protocol';
import { authorOf, editorRange, studentThreadLabel, threadsOf, type FeedbackThread } from '../feedback/feedback-threads';
import type { Logger } from '../log';
import { CLASSPOD_SCHEME, parseDocumentPath, type ClasspodDocument } from '../professor/classpod-uri';
import type { HubRequester } from '../professor/hub-requester';

/** The controller's id (the `commentController` of its menus). */
export const FEEDBACK_CONTROLLER_ID = 'classpod.feedback';

type SubmissionDocument = Extract<ClasspodDocument, { kind: 'submission' }>;

export interface FeedbackDeps {
  /** The professor side's requests, while someone who teaches is signed in. */
  staff(): HubRequester | undefined;
  /** The signed-in person's own hub connection (a student's). */
  studentHub(): Promise<RpcEndpoint>;
  /** The local assignment folders open in this window. */
  folders(): ReadonlyArray<{ folder: string; marker: { courseId: string; id: string } }>;
  logger: Logger;
}

/** One comment as the Comments API shows it. */
class ShownComment implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  readonly body: vscode.MarkdownString;
  readonly author: vscode.CommentAuthorInformation;
  readonly timestamp: Date;
  constructor(readonly feedback: FeedbackComment) {
    this.body = new vscode.MarkdownString(feedback.body);
    this.author = { name: authorOf(feedback) };
    this.timestamp = new Date(feedback.at);
  }
}

export class FeedbackComments implements vscode.Disposable {
  readonly controller: vscode.CommentController;
  private readonly shown = new Map<string, vscode.CommentThread[]>();
  private readonly hubThread = new WeakMap<vscode.CommentThread, string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: FeedbackDeps) {
    this.controller = vscode.comments.createCommentController(FEEDBACK_CONTROLLER_ID, 'Classpod Feedback');
    this.controller.options = { prompt: 'Comment for the student…', placeHolder: 'The student reads this on the same lines of their own file' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) => (this.staffDocument(doc) ? [new vscode.Range(0, 0, Math.max(0, doc.lineCount - 1), 0)] : []),
    };
    this.subscriptions.push(
      this.controller,
      vscode.workspace.onDidOpenTextDocument((d) => void this.show(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      // A student's file shows what the hub says now each time it comes to the front (staff threads stay, with any unsent text).
      vscode.window.onDidChangeActiveTextEditor((e) => e?.document.uri.scheme === 'file' && void this.show(e.document)),
    );
    for (const d of vscode.workspace.textDocuments) void this.show(d);
  }

  /** The threads shown on a document (tests read them). */
  threads(uri: vscode.Uri): readonly vscode.CommentThread[] {
    return this.shown.get(uri.toString()) ?? [];
  }

  /** Load and show the threads of a document again; resolves with how many it has. */
  async show(doc: vscode.TextDocument): Promise<number> {
    let found: { threads: FeedbackThread[]; canReply: boolean; label: (t: FeedbackThread) => string | undefined } | undefined;
    try {
      found = await this.load(doc);
    } catch (err) {
      this.deps.logger.warn('could not load feedback', { err, scheme: doc.uri.scheme });
      return 0;
    }
    if (!found) return 0;
    this.clear(doc.uri);
    const made = found.threads.map((t) => {
      const r = editorRange(t, doc.lineCount);
      const thread = this.controller.createCommentThread(doc.uri, new vscode.Range(r.startLine, 0, r.endLine, 0), t.comments.map((c) => new ShownComment(c)));
      thread.canReply = found.canReply;
      thread.label = found.label(t);
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      thread.contextValue = found.canReply ? 'staff' : 'student';
      this.hubThread.set(thread, t.threadId);
      return thread;
    });
    this.shown.set(doc.uri.toString(), made);
    return made.length;
  }

  /** *Add Comment*: start a thread on the lines of a new one, or answer a thread. Resolves with the comment the hub stored. */
  async add(reply: vscode.CommentReply): Promise<FeedbackComment | undefined> {
    const { thread, text } = reply;
    try {
      const request = this.deps.staff();
      const doc = parseDocumentPath(thread.uri.path);
      if (!request || thread.uri.scheme !== CLASSPOD_SCHEME || doc?.kind !== 'submission') throw new Error('feedback is written on a submitted file opened from the Cluster view');
      const threadId = this.hubThread.get(thread);
      const range = thread.range;
      if (threadId === undefined && !range) throw new Error('choose the lines to comment on');
      const { comment } = await request(
        AddFeedbackRequest.type,
        threadId !== undefined ? { submissionId: doc.submissionId, threadId, body: text } : { submissionId: doc.submissionId, path: doc.path, line: range!.start.line + 1, endLine: range!.end.line + 1, body: text },
      );
      thread.comments = [...thread.comments, new ShownComment(comment)];
      thread.canReply = true;
      thread.contextValue = 'staff';
      this.hubThread.set(thread, comment.threadId);
      const list = this.shown.get(thread.uri.toString()) ?? [];
      if (!list.includes(thread)) this.shown.set(thread.uri.toString(), [...list, thread]);
      return comment;
    } catch (err) {
      this.deps.logger.warn('feedback not sent', { err });
      void vscode.window.showErrorMessage(`Could not add the comment: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Load the threads of every open document again. */
  async refresh(): Promise<void> {
    await Promise.all(vscode.workspace.textDocuments.map((d) => this.show(d)));
  }

  dispose(): void {
    for (const uri of [...this.shown.keys()]) this.clear(vscode.Uri.parse(uri));
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  private staffDocument(doc: vscode.TextDocument): SubmissionDocument | undefined {
    if (doc.uri.scheme !== CLASSPOD_SCHEME || !this.deps.staff()) return undefined;
    const parsed = parseDocumentPath(doc.uri.path);
    return parsed?.kind === 'submission' ? parsed : undefined;
  }

  private async load(doc: vscode.TextDocument): Promise<{ threads: FeedbackThread[]; canReply: boolean; label: (t: FeedbackThread) => string | undefined } | undefined> {
    const submission = this.staffDocument(doc);
    if (submission) {
      const { comments } = await this.deps.staff()!(ListFeedbackRequest.type, {
        courseId: submission.courseId,
        assignmentId: submission.assignmentId,
        studentId: submission.studentId,
        submissionId: submission.submissionId,
      });
      return { threads: threadsOf(comments, { path: submission.path }), canReply: true, label: () => undefined };
    }
    if (doc.uri.scheme !== 'file') return undefined;
    const file = doc.uri.fsPath;
    const owner = this.deps.folders().find((f) => {
      const rel = path.relative(f.folder, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (!owner) return undefined;
    const rel = path.relative(owner.folder, file).split(path.sep).join('/');
    if (rel.startsWith('.classpod/')) return undefined;
    const hub = await this.deps.studentHub();
    const ids = { courseId: owner.marker.courseId, assignmentId: owner.marker.id };
    const threads = threadsOf((await hub.request(ListFeedbackRequest.type, ids)).comments, { path: rel });
    if (threads.length === 0) return { threads, canReply: false, label: () => undefined };
    const { submissions } = await hub.request(ListSubmissionsRequest.type, ids);
    const at = new Map(submissions.map((s) => [s.id, s.submittedAt]));
    const latest = submissions[0]?.id;
    return { threads, canReply: false, label: (t) => studentThreadLabel(at.get(t.submissionId), t.submissionId === latest) };
  }

  private clear(uri: vscode.Uri): void {
    for (const t of this.shown.get(uri.toString()) ?? []) t.dispose();
    this.shown.delete(uri.toString());
  }
}

/** Create the feedback threads and their commands for both sides: staff through their professor session, students through their own connection. */
export function registerFeedback(context: vscode.ExtensionContext, deps: FeedbackDeps): FeedbackComments {
  const feedback = new FeedbackComments(deps);
  context.subscriptions.push(
    feedback,
    vscode.commands.registerCommand('classpod.feedback.add', (reply: vscode.CommentReply) => feedback.add(reply)),
    vscode.commands.registerCommand('classpod.feedback.refresh', () => feedback.refresh()),
  );
  return feedback;
}
