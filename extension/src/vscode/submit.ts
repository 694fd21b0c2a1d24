// Submit: confirm with the deadline in view, wait (cancellably) for the course
// server when it cannot be reached, bring the latest local edits to the
// workspace, hand in, and show the receipt. The score arrives later as an
// event (see classpod.ts), without a reload.

import * as vscode from 'vscode';
import type { AssignmentSummary } from '@classpod/protocol';
import type { CourseCatalog } from '../courses/course-catalog';
import { handsInWork } from '../courses/assignment-presentation';
import type { Logger } from '../log';
import type { StudentSession } from '../session/student-session';
import { limitRefusalText, submissionLimitOf } from '../submissions/attempts-text';
import { offlineSubmitNotice, waitUntilOnline } from '../submissions/offline-submit';
import { confirmation, receipt } from '../submissions/receipt';
import type { Receipt, Submissions } from '../submissions/submission-client';
import type { AssignmentFolders } from './assignment-folders';

/** Which assignment to submit, and whether to ask first. */
export interface SubmitArgs {
  courseId?: string;
  assignmentId?: string;
  /** `courseId/assignmentId`, from a deadline reminder. */
  deadlineKey?: string;
  /** Skip the confirmation (tests, and the server test profile that already asked). */
  confirmed?: boolean;
}

export class SubmitCommand {
  constructor(
    private readonly session: StudentSession,
    private readonly catalog: CourseCatalog,
    private readonly folders: AssignmentFolders,
    private readonly submissions: Submissions,
    private readonly logger: Logger,
  ) {}

  /** `classpod.submit`: resolves with the receipt, or undefined when cancelled. */
  async submit(args: SubmitArgs = {}): Promise<Receipt | undefined> {
    const assignment = await this.resolve(args);
    if (!assignment) return undefined;
    if (!args.confirmed && !(await this.confirm(assignment))) return undefined;
    const waited = this.session.connection?.state.kind === 'offline';
    if (!(await this.waitForServer(assignment))) return undefined;
    if (!(await this.flush(assignment))) return undefined;
    let result: Receipt;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Submitting ${assignment.title}…` },
        () => this.submissions.submit(assignment.courseId, assignment.id),
      );
    } catch (err) {
      // The hub's limits refused it: say so once (a waiting submission is dropped, never retried).
      const refusal = submissionLimitOf(err);
      if (!refusal) throw err;
      this.logger.info('submission refused by its limits', { assignmentId: assignment.id, rule: refusal.data?.rule });
      void vscode.window.showWarningMessage(limitRefusalText(assignment.title, refusal, new Date(this.session.serverNow()), waited));
      void this.catalog.refreshCourse(assignment.courseId).catch(() => undefined);
      return undefined;
    }
    this.showReceipt(assignment.title, result);
    void this.catalog.refreshCourse(assignment.courseId).catch(() => undefined);
    return result;
  }

  /** Ask before handing in; resolves true to go on. */
  async confirm(assignment: AssignmentSummary): Promise<boolean> {
    const { message, detail } = confirmation(assignment, new Date(this.session.serverNow()));
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Submit');
    return choice === 'Submit';
  }

  /**
   * When the course server cannot be reached: say the submission goes in when
   * it is back, then wait for it with a Cancel button. Resolves false when the
   * student cancels (nothing was sent).
   */
  async waitForServer(assignment: AssignmentSummary): Promise<boolean> {
    const connection = this.session.connection;
    const state = connection?.state;
    if (!connection || state?.kind !== 'offline') return true;
    const { message, detail } = offlineSubmitNotice(assignment.title, state.error.message);
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Submit When Back');
    if (choice !== 'Submit When Back') return false;
    const back = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `“${assignment.title}” will be submitted when the course server is back…`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        return waitUntilOnline(connection, abort.signal).finally(() => sub.dispose());
      },
    );
    if (!back) void vscode.window.showInformationMessage(`“${assignment.title}” was not submitted.`);
    return back;
  }

  /** Sync the open folder first so the workspace holds the latest edits; resolves false to cancel. */
  async flush(assignment: AssignmentSummary): Promise<boolean> {
    const active = this.folders.find(assignment.courseId, assignment.id);
    if (!active) return true;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Syncing your latest edits…' }, () => active.sync.syncNow());
      return true;
    } catch (err) {
      this.logger.warn('sync before submit failed', { err });
      const choice = await vscode.window.showWarningMessage(
        'Your latest edits could not be synced to your workspace, so they would not be part of the submission.',
        { modal: true, detail: (err as Error).message },
        'Submit Anyway',
      );
      return choice === 'Submit Anyway';
    }
  }

  /** The receipt, as a notification and in the log. */
  showReceipt(title: string, r: Receipt): void {
    const text = receipt(title, r.submission, r.serverTime, undefined, r.attempts);
    this.logger.info('submitted', { submissionId: r.submission.id, snapshotHash: r.submission.snapshotHash, serverTime: r.serverTime, late: r.submission.late });
    void vscode.window.showInformationMessage(text, 'Copy Snapshot Hash').then((c) => {
      if (c) void vscode.env.clipboard.writeText(r.submission.snapshotHash);
    });
  }

  private async resolve(args: SubmitArgs): Promise<AssignmentSummary | undefined> {
    let courseId = args.courseId;
    let assignmentId = args.assignmentId;
    if (args.deadlineKey) [courseId, assignmentId] = args.deadlineKey.split('/');
    if (!courseId || !assignmentId) {
      const open = this.folders.list();
      if (open.length === 1) {
        courseId = open[0]!.marker.courseId;
        assignmentId = open[0]!.marker.id;
      }
    }
    if (!this.catalog.isLoaded) await this.catalog.refresh().catch(() => undefined);
    if (courseId && assignmentId) {
      const found = this.catalog.find(courseId, assignmentId);
      if (found) return found;
      void vscode.window.showErrorMessage(`Classpod does not know the assignment ${courseId}/${assignmentId}. Are you signed in to the right course server?`);
      return undefined;
    }
    const items = this.catalog
      .courses()
      .filter((e) => handsInWork(e.course.role))
      .flatMap((e) => e.assignments.map((a) => ({ label: a.title, description: a.state, assignment: a })));
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Nothing to submit: sign in to Classpod first.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Submit which assignment?' }))?.assignment;
  }
}
