// The professors' commands: open the gradebook, open and compare submission files, regrade,
// override a score, rerun a graded test like the grader, extend a deadline, export grades, create or update an
// assignment from a folder, import (with a preview) and export the roster, withdraw a student,
// and start, stop or enter a student's workspace.
// Each asks for what it needs with VS Code's own inputs; tests pass the
// answers as a second argument instead. The work itself is the staff actions'.

import * as vscode from 'vscode';
import { plural, type SubmissionSummary } from '@classpod/protocol';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import { describeUpsert, readAssignmentFolder } from '../../professor/assignment-folder';
import { STUDENT_STATES, WORKSPACE_STATES, describeFilter, filterFromArgument, isFiltering, type ClassFilter } from '../../professor/class-filter';
import { CLASSPOD_SCHEME, documentPath, type ClasspodDocument } from '../../professor/classpod-uri';
import type { ClusterNode } from '../../professor/cluster-nodes';
import { submissionScore } from '../../professor/cluster-presentation';
import { parseDueTime } from '../../professor/due-time';
import { describeRosterImport } from '../../professor/roster-preview';
import { inviteCreatedText, inviteRow } from '../../professor/invite-text';
import { rubricAppliedText, rubricChanges, rubricChoiceRows } from '../../professor/rubric-choice';
import { regradeDoneText, regradeProgress, regradeProgressText, type RegradeProgress } from '../../professor/regrade-progress';
import { diffSides, submissionDiffTitle, submissionLabel, type DiffSide } from '../../professor/submission-diff';
import type { ProfessorSession } from '../../professor/professor-session';
import type { Logger } from '../../log';
import type { OpenedEndpoint } from '../../connection/open-endpoint';
import type { RerunOutcome } from '../../testing/grader-rerun';
import { fileDocument } from './cluster-tree';
import { formatAbsolute, formatRelative } from '../../deadlines/time-format';
import { diffTitle } from '../../versions/version-presentation';
import { versionUri } from '../earlier-versions';

/** What the roster import command did, for its callers (tests). */
interface RosterImportOutcomeSummary {
  applied: boolean;
  added: number;
  changed: number;
  withdrawn: number;
  unchanged: number;
}

type NodeOf<K extends ClusterNode['kind']> = Extract<ClusterNode, { kind: K }>;

export const docUri = (doc: ClasspodDocument): vscode.Uri => vscode.Uri.from({ scheme: CLASSPOD_SCHEME, path: documentPath(doc) });

/** What the commands need from their surroundings. */
export interface CommandContext {
  session(): ProfessorSession | undefined;
  logger: Logger;
  /** The hub's clock now (ms). */
  now(): number;
  /** Shown filter changed. */
  onFilter(filter: ClassFilter): void;
  /** A classpod document's content changed. */
  documentChanged(uri: vscode.Uri): void;
  /** Open a terminal into a student's workspace through this gateway path. */
  openTerminal(connectPath: string, who: string): vscode.Terminal;
  /** Connect to a student's workspace agent through this gateway path, to run tests. */
  openWorkspace(connectPath: string): Promise<OpenedEndpoint>;
  /** Show a course's gradebook in the editor area. */
  openGradebook(courseId: string): Promise<unknown>;
}

export class ProfessorCommands {
  constructor(private readonly ctx: CommandContext) {}

  /** Every command, by id, for registration. */
  all(): Record<string, (...args: never[]) => unknown> {
    return {
      'classpod.professor.refresh': () => this.refresh(),
      'classpod.professor.openGradebook': (node?: NodeOf<'course'> | { courseId: string }) => this.openGradebook(node?.courseId),
      'classpod.professor.filter': (args?: unknown) => this.filter(filterFromArgument(args)),
      'classpod.professor.clearFilter': () => this.setFilter({ text: '', states: [] }),
      'classpod.professor.showMore': (node: ClusterNode) => this.s().model.showMore(node),
      'classpod.professor.openFile': (node: NodeOf<'file'>) => this.openFile(node),
      'classpod.professor.openVersionFile': (node: NodeOf<'versionFile'>) => this.openVersionFile(node),
      'classpod.professor.compareWithStarter': (node: NodeOf<'file'>) => this.compareWithStarter(node),
      'classpod.professor.compareWithSubmission': (node: NodeOf<'file'>, args?: { otherSubmissionId: string }) => this.compareWithSubmission(node, args),
      'classpod.professor.regradeSubmission': (node: NodeOf<'submission'>) => this.regrade(node, 'submission'),
      'classpod.professor.regradeStudent': (node: NodeOf<'student'>) => this.regrade(node, 'student'),
      'classpod.professor.regradeAssignment': (node: NodeOf<'assignment'>, args?: { confirm: boolean }) => this.regrade(node, 'assignment', args?.confirm),
      'classpod.professor.overrideScore': (node: NodeOf<'submission'>, args?: { score: number | null; comment: string }) => this.overrideScore(node, args),
      'classpod.professor.applyRubric': (node: NodeOf<'submission'>, args?: { itemIds: string[] }) => this.applyRubric(node, args),
      'classpod.professor.extendDeadline': (node: NodeOf<'student'>, args?: { dueAt: string; comment?: string }) => this.extendDeadline(node, args),
      'classpod.professor.grantAttempts': (node: NodeOf<'student'>, args?: { extra: number; comment?: string }) => this.grantAttempts(node, args),
      'classpod.professor.exportGrades': (node: NodeOf<'assignment'> | NodeOf<'course'>, args?: { target: string }) => this.exportGrades(node, args),
      'classpod.professor.upsertAssignment': (node?: NodeOf<'course'>, args?: { folder: string; assignmentId?: string; confirm?: boolean }) =>
        this.upsertAssignment(node, args),
      'classpod.professor.importRoster': (node?: NodeOf<'course'>, args?: { file: string; confirm?: boolean }) => this.importRoster(node, args),
      'classpod.professor.exportRoster': (node?: NodeOf<'course'>, args?: { target: string }) => this.exportRoster(node, args),
      'classpod.professor.showAuditLog': (node?: NodeOf<'course'>) => this.showAuditLog(node),
      'classpod.professor.createCourse': (args?: { courseId: string; title: string }) => this.createCourse(args),
      'classpod.professor.editCourseSettings': (node?: NodeOf<'course'>, args?: { title?: string; idleMinutes?: number | null; officialSandboxes?: Array<'isolate' | 'local' | 'none'> | null }) =>
        this.editCourseSettings(node, args),
      'classpod.professor.editAssignmentDates': (node: NodeOf<'assignment'>, args?: { dueAt?: string | null; cutoffAt?: string | null; opensAt?: string | null; penaltyPercentPerDay?: number }) =>
        this.editAssignmentDates(node, args),
      'classpod.professor.createInvite': (node?: NodeOf<'course'>, args?: { days: number; maxUses?: number }) => this.createInvite(node, args),
      'classpod.professor.revokeInvite': (node?: NodeOf<'course'>, args?: { inviteId: string }) => this.revokeInvite(node, args),
      'classpod.professor.withdrawStudent': (node: NodeOf<'student'>, args?: { confirm: boolean }) => this.withdrawStudent(node, args?.confirm),
      'classpod.professor.startWorkspace': (node: NodeOf<'workspace'>) => this.workspace(node, 'start'),
      'classpod.professor.stopWorkspace': (node: NodeOf<'workspace'>, args?: { confirm: boolean }) => this.workspace(node, 'stop', args?.confirm),
      'classpod.professor.openWorkspaceTerminal': (node: NodeOf<'workspace'>) => this.enterWorkspace(node),
      'classpod.professor.rerunLikeGrader': (node: NodeOf<'test'>) => this.rerunLikeGrader(node),
    };
  }

  private s(): ProfessorSession {
    const s = this.ctx.session();
    if (!s) throw new Error('Sign in to Classpod as a professor or assistant first.');
    return s;
  }

  /** Run a command's body; a failure becomes an error message that says what happened. */
  private async guard<T>(what: string, body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await body();
    } catch (err) {
      const message = (err as Error).message;
      this.ctx.logger.warn(`${what} failed`, { err });
      void vscode.window.showErrorMessage(`Could not ${what}: ${message}`);
      return undefined;
    }
  }

  private refresh(): void {
    this.ctx.session()?.connection.retryNow();
    this.ctx.session()?.cache.reload();
  }

  /** The gradebook of the course given, or of the one course taught, or of a course the person picks. */
  private openGradebook(courseId: string | undefined): Promise<unknown> {
    return this.guard('open the gradebook', async () => {
      const s = this.s();
      let id = courseId;
      if (!id) {
        await s.cache.ensureCourses();
        const courses = s.cache.courses();
        if (courses.length === 0) throw new Error('you teach no course on this server');
        const pick = courses.length === 1 ? { id: courses[0]!.id } : await vscode.window.showQuickPick(courses.map((c) => ({ label: c.title, description: c.id, id: c.id })), { title: 'Open the gradebook of which course?' });
        if (!pick) return undefined;
        id = pick.id;
      }
      return this.ctx.openGradebook(id);
    });
  }

  private async filter(given: ClassFilter | undefined): Promise<ClassFilter | undefined> {
    const current = this.s().model.filter;
    let filter: ClassFilter;
    if (given) filter = given;
    else {
      const text = await vscode.window.showInputBox({
        title: 'Filter students and workspaces (1/2)',
        prompt: 'Part of a name or id; leave empty to keep everybody',
        value: current.text,
      });
      if (text === undefined) return undefined;
      const states = [...new Set<string>([...STUDENT_STATES, ...WORKSPACE_STATES])];
      const picked = await vscode.window.showQuickPick(
        states.map((s) => ({ label: s, picked: current.states.includes(s), description: (STUDENT_STATES as readonly string[]).includes(s) ? 'work on an assignment' : 'workspace' })),
        { title: 'Filter students and workspaces (2/2): keep only these states (none: all)', canPickMany: true },
      );
      if (picked === undefined) return undefined;
      filter = { text, states: picked.map((p) => p.label) };
    }
    this.setFilter(filter);
    return filter;
  }

  private setFilter(filter: ClassFilter): void {
    this.ctx.session()?.model.setFilter(filter);
    this.ctx.onFilter(filter);
  }

  private openFile(node: NodeOf<'file'>): Thenable<vscode.TextEditor | undefined> {
    return this.guard('open the file', async () => vscode.window.showTextDocument(docUri(fileDocument(node)), { preview: true }));
  }

  /** A file a version changed, beside the same file in the version before it (an empty side where one lacks it). */
  private openVersionFile(node: NodeOf<'versionFile'>): Promise<unknown> {
    return this.guard('compare the versions', async () => {
      const entry = this.s().cache.versions.entry(node.versionId);
      const change = entry?.changes.find((c) => c.path === node.path);
      if (!entry || !change) throw new Error('expand the Versions row again: this version is no longer listed');
      const left =
        change.older && entry.previous ? versionUri({ kind: 'version', versionId: entry.previous.id, path: node.path }) : versionUri({ kind: 'empty', path: node.path });
      const right = change.newer ? versionUri({ kind: 'version', versionId: entry.version.id, path: node.path }) : versionUri({ kind: 'empty', path: node.path });
      const title = diffTitle(node.path, entry.previous, entry.version, new Date(this.ctx.now()));
      return vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
    });
  }

  private compareWithStarter(node: NodeOf<'file'>): Promise<boolean | undefined> {
    return this.guard('compare with the starter files', async () => {
      const starter = await this.s().actions.starterFiles(node.courseId, node.assignmentId);
      const left = starter.has(node.path) ? docUri({ kind: 'starter', courseId: node.courseId, assignmentId: node.assignmentId, path: node.path }) : docUri({ kind: 'empty', path: node.path });
      const own = this.s().cache.submission(node.submissionId);
      const who = own ? this.submissionLabel(own) : this.s().cache.studentName(node.courseId, node.studentId);
      await vscode.commands.executeCommand('vscode.diff', left, docUri(fileDocument(node)), submissionDiffTitle(node.path, 'starter', who), { preview: true });
      return true;
    });
  }

  private compareWithSubmission(node: NodeOf<'file'>, args?: { otherSubmissionId: string }): Promise<boolean | undefined> {
    return this.guard('compare the submissions', async () => {
      const s = this.s();
      let otherId = args?.otherSubmissionId;
      if (!otherId) {
        await s.cache.ensureAssignment(node.courseId, node.assignmentId);
        const own = s.cache.studentSubmissions(node.courseId, node.assignmentId, node.studentId).filter((x) => x.id !== node.submissionId);
        const others = [...(s.cache.assignmentSubmissions(node.courseId, node.assignmentId) ?? new Map()).entries()]
          .filter(([student]) => student !== node.studentId)
          .map(([, list]) => list[0]!)
          .filter(Boolean);
        const now = new Date(this.ctx.now());
        const item = (x: (typeof own)[number], kind: string): vscode.QuickPickItem & { id: string } => ({
          id: x.id,
          label: s.cache.studentName(x.courseId, x.studentId),
          description: `${formatRelative(new Date(x.submittedAt), now)} · ${submissionScore(x)}`,
          detail: kind,
        });
        const picked = await vscode.window.showQuickPick(
          [...own.map((x) => item(x, 'an earlier or later submission of the same student')), ...others.map((x) => item(x, "another student's latest submission"))],
          { title: `Compare ${node.path} with…`, matchOnDescription: true },
        );
        if (!picked) return false;
        otherId = picked.id;
      }
      const other = s.cache.submission(otherId);
      const own = s.cache.submission(node.submissionId);
      if (!other || !own) throw new Error(`no submission ${other ? node.submissionId : otherId} is loaded`);
      await s.cache.ensureFiles(other.id);
      const has = (s.cache.submissionFiles(other.id) ?? []).some((f) => f.path === node.path);
      const side = (x: typeof own): DiffSide => ({ submission: x, label: this.submissionLabel(x) });
      const { left, right } = diffSides(side(other), side(own));
      const uriOf = (x: typeof own): vscode.Uri =>
        x.id === own.id || has
          ? docUri({ kind: 'submission', courseId: x.courseId, assignmentId: x.assignmentId, studentId: x.studentId, submissionId: x.id, path: node.path })
          : docUri({ kind: 'empty', path: node.path });
      await vscode.commands.executeCommand('vscode.diff', uriOf(left.submission), uriOf(right.submission), submissionDiffTitle(node.path, left.label, right.label), { preview: true });
      return true;
    });
  }

  /** "Ada Lovelace #2 · Tue, 24 Nov 2026, 19:33" */
  private submissionLabel(x: SubmissionSummary): string {
    const s = this.s();
    return submissionLabel(x, s.cache.studentName(x.courseId, x.studentId), s.cache.studentSubmissions(x.courseId, x.assignmentId, x.studentId));
  }

  private regrade(node: ClusterNode, scope: 'submission' | 'student' | 'assignment', confirmed?: boolean): Promise<string[] | undefined> {
    return this.guard('queue the regrade', async () => {
      const s = this.s();
      if (node.kind === 'assignment' && scope === 'assignment') {
        const title = s.cache.assignment(node.courseId, node.assignmentId)?.title ?? node.assignmentId;
        if (!confirmed) {
          const ok = await vscode.window.showWarningMessage(`Regrade the latest submission of every student for ${title}?`, { modal: true, detail: 'Scores change when grading finishes; overrides stay.' }, 'Regrade');
          if (ok !== 'Regrade') return [];
        }
        return this.reportQueued(await s.actions.regrade({ kind: 'assignment', courseId: node.courseId, assignmentId: node.assignmentId }), node);
      }
      if (node.kind === 'student') {
        return this.reportQueued(await s.actions.regrade({ kind: 'student', courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId }), node);
      }
      if (node.kind === 'submission') return this.reportQueued(await s.actions.regrade({ kind: 'submission', courseId: node.courseId, submissionId: node.submissionId }));
      throw new Error('choose a submission, a student or an assignment in the Cluster view');
    });
  }

  /** Answer at once with the queued ids; the progress, then the new result, follow in a notification. */
  private reportQueued(ids: string[], courseAssignment?: { courseId: string; assignmentId: string }): string[] {
    if (ids.length === 0) void vscode.window.showInformationMessage('Nothing to regrade: there is no submission yet.');
    else void this.followRegrade(ids, courseAssignment).catch((err: Error) => this.ctx.logger.warn('following the regrade failed', { err }));
    return ids;
  }

  /** Show how far the grader has come with the queued submissions, then what it found; cancel stops following, not grading. */
  private async followRegrade(ids: string[], courseAssignment?: { courseId: string; assignmentId: string }): Promise<void> {
    const s = this.s();
    // Every regraded submission must be in the cache for its events to count.
    if (courseAssignment) await s.cache.ensureAssignment(courseAssignment.courseId, courseAssignment.assignmentId).catch(() => undefined);
    const progress = (): RegradeProgress => regradeProgress(ids, (id) => s.cache.submission(id));
    const finished = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Regrading ${plural(ids.length, 'submission')}`, cancellable: true },
      (report, cancel) =>
        new Promise<boolean>((resolve) => {
          let shown = 0;
          const done = (value: boolean): void => {
            clearInterval(timer);
            sub.dispose();
            resolve(value);
          };
          const tick = (): void => {
            if (this.ctx.session() !== s) return done(false);
            const p = progress();
            const finishedNow = p.graded + p.failed;
            report.report({ message: regradeProgressText(p), increment: ((finishedNow - shown) / p.total) * 100 });
            shown = finishedNow;
            if (p.pending === 0) done(true);
          };
          const timer = setInterval(tick, 500);
          const sub = cancel.onCancellationRequested(() => done(false));
          tick();
        }),
    );
    if (!finished) return;
    const p = progress();
    const only = ids.length === 1 ? s.cache.submission(ids[0]!) : undefined;
    const text = regradeDoneText(p, only ? { who: s.cache.studentName(only.courseId, only.studentId), submission: only } : undefined);
    void (p.failed > 0 ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
  }

  private overrideScore(node: NodeOf<'submission'>, args?: { score: number | null; comment: string }): Promise<string | undefined> {
    return this.guard('override the score', async () => {
      const s = this.s();
      const sub = s.cache.submission(node.submissionId);
      let score: number | undefined;
      let comment: string;
      if (args) {
        score = args.score ?? undefined;
        comment = args.comment;
      } else {
        const text = await vscode.window.showInputBox({
          title: `Override the score of ${s.cache.studentName(node.courseId, node.studentId)}'s submission`,
          prompt: `New score${sub?.maxScore !== undefined ? ` (maximum ${sub.maxScore})` : ''}; leave empty to remove an override`,
          value: sub?.override ? String(sub.override.score) : sub?.score !== undefined ? String(sub.score) : '',
          validateInput: (v) => (v.trim() === '' || Number.isFinite(Number(v)) ? undefined : 'Write a number, e.g. 7.5'),
        });
        if (text === undefined) return undefined;
        score = text.trim() === '' ? undefined : Number(text);
        const why = await vscode.window.showInputBox({
          title: 'Why? (the student sees this comment, and it is recorded)',
          value: sub?.override?.comment ?? '',
          validateInput: (v) => (v.trim() ? undefined : 'A comment is required'),
        });
        if (why === undefined) return undefined;
        comment = why;
      }
      const updated = await s.actions.overrideScore(node.submissionId, score, comment.trim());
      const text = submissionScore(updated);
      void vscode.window.showInformationMessage(score === undefined ? `Override removed; the score is ${text}.` : `Score set to ${text}.`);
      return text;
    });
  }

  /** Apply Rubric…: the submission's rubric as a multi-select pick, the applied items checked; `args` chooses without asking. */
  private applyRubric(node: NodeOf<'submission'>, args?: { itemIds: string[] }): Promise<string | undefined> {
    return this.guard('apply the rubric', async () => {
      const s = this.s();
      const rubric = await s.actions.submissionRubric(node.submissionId);
      if (rubric.items.length === 0) {
        void vscode.window.showInformationMessage(`${rubric.assignmentId} has no rubric: declare one under \`rubric\` in its assignment.yaml.`);
        return undefined;
      }
      let chosen = args?.itemIds;
      if (!chosen) {
        const rows = rubricChoiceRows(rubric);
        const picked = await vscode.window.showQuickPick(rows, {
          canPickMany: true,
          title: `Apply Rubric to ${s.cache.studentName(node.courseId, node.studentId)}'s submission`,
          placeHolder: 'Check the items that apply (their points add to the test score)',
        });
        if (!picked) return undefined;
        chosen = picked.map((r) => r.itemId);
      }
      const { apply, unapply } = rubricChanges(rubric, chosen);
      const sub = s.cache.submission(node.submissionId);
      if (apply.length === 0 && unapply.length === 0) return sub ? submissionScore(sub) : undefined;
      const { submission } = await s.actions.applyRubric(node.submissionId, apply, unapply);
      const text = submissionScore(submission);
      void vscode.window.showInformationMessage(rubricAppliedText(submission.rubricPoints, text));
      return text;
    });
  }

  /** Ask for a due time (relative to `currentIso`, the current one, or absolute); undefined when the person cancels. */
  private async askDueTime(title: string, prompt: string, currentIso: string | undefined): Promise<Date | undefined> {
    const current = currentIso ? new Date(currentIso) : undefined;
    const now = new Date(this.ctx.now());
    const text = await vscode.window.showInputBox({
      title,
      prompt,
      value: '+1d',
      validateInput: (v) => {
        const r = parseDueTime(v, current, now);
        return 'error' in r ? r.error : undefined;
      },
    });
    if (text === undefined) return undefined;
    const r = parseDueTime(text, current, now);
    if ('error' in r) throw new Error(r.error);
    return r.dueAt;
  }

  /** Grant Extra Submissions…: more official submissions for one student on an assignment with a limit. */
  private grantAttempts(node: NodeOf<'student'>, args?: { extra: number; comment?: string }): Promise<number | undefined> {
    return this.guard('grant extra submissions', async () => {
      const s = this.s();
      const who = s.cache.studentName(node.courseId, node.studentId);
      let extra = args?.extra;
      let comment = args?.comment;
      if (extra === undefined) {
        const text = await vscode.window.showInputBox({
          title: `Extra submissions for ${who} on ${s.cache.assignment(node.courseId, node.assignmentId)?.title ?? node.assignmentId}`,
          prompt: 'How many more official submissions, beyond the assignment\'s limit (1 to 100)',
          value: '1',
          validateInput: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 100 ? undefined : 'A whole number from 1 to 100'),
        });
        if (text === undefined) return undefined;
        extra = Number(text);
        comment = await vscode.window.showInputBox({ title: 'Comment for the record (optional)' });
      }
      const remaining = await s.actions.grantAttempts(node.courseId, node.assignmentId, node.studentId, extra, comment?.trim() || undefined);
      void vscode.window.showInformationMessage(
        remaining === undefined ? `${who} has no submission limit on ${node.assignmentId}.` : `${who} now has ${plural(remaining, 'submission')} left on ${node.assignmentId}.`,
      );
      return remaining;
    });
  }

  private extendDeadline(node: NodeOf<'student'>, args?: { dueAt: string; comment?: string }): Promise<string | undefined> {
    return this.guard('extend the deadline', async () => {
      const s = this.s();
      await s.cache.ensureAssignments(node.courseId);
      const a = s.cache.assignment(node.courseId, node.assignmentId);
      const who = s.cache.studentName(node.courseId, node.studentId);
      let dueAt: Date;
      let comment: string | undefined;
      if (args) {
        dueAt = new Date(args.dueAt);
        comment = args.comment;
      } else {
        const asked = await this.askDueTime(`New due time for ${who} on ${a?.title ?? node.assignmentId}`, 'e.g. +2d, +12h, 2026-12-01 23:59 (your time zone) or an ISO instant', a?.dueAt);
        if (!asked) return undefined;
        dueAt = asked;
        comment = await vscode.window.showInputBox({ title: 'Comment for the record (optional)' });
      }
      const due = await s.actions.extendDeadline(node.courseId, node.assignmentId, node.studentId, dueAt, comment?.trim() || undefined);
      void vscode.window.showInformationMessage(`${who} is now due ${formatAbsolute(due ? new Date(due) : dueAt)}.`);
      return due;
    });
  }

  private exportGrades(node: NodeOf<'assignment'> | NodeOf<'course'>, args?: { target: string }): Promise<string | undefined> {
    return this.guard('export the grades', async () => {
      const s = this.s();
      const { csv, fileName } = node.kind === 'assignment' ? await s.actions.assignmentGrades(node.courseId, node.assignmentId) : await s.actions.courseGrades(node.courseId);
      let target: vscode.Uri | undefined;
      if (args) target = vscode.Uri.file(args.target);
      else {
        // The hub's name for the file, in the open folder or else the home folder: the dialog always suggests it.
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
        target = await vscode.window.showSaveDialog({
          title: 'Save grades as CSV',
          filters: { 'CSV': ['csv'] },
          defaultUri: vscode.Uri.joinPath(folder, fileName),
          saveLabel: 'Save Grades',
        });
      }
      if (!target) return undefined;
      await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
      const rows = csv.split('\r\n').filter((l) => l !== '').length - 1;
      void vscode.window.showInformationMessage(`Saved the grades of ${plural(rows, 'student')} to ${target.fsPath}.`, 'Open').then((c) => {
        if (c) void vscode.window.showTextDocument(target!);
      });
      return target.fsPath;
    });
  }

  /** The course of a course node, or one the professor picks among theirs. */
  private async professorCourse(node: NodeOf<'course'> | undefined): Promise<string | undefined> {
    if (node?.courseId) return node.courseId;
    const s = this.s();
    await s.model.getChildren();
    const courses = s.cache.courses().filter((c) => c.role === 'professor');
    if (courses.length === 0) throw new Error('only professors manage rosters, and you are a professor of no course');
    const pick = courses.length === 1 ? { id: courses[0]!.id } : await vscode.window.showQuickPick(courses.map((c) => ({ label: c.title, description: c.id, id: c.id })), { title: 'Which course?' });
    return pick?.id;
  }

  private importRoster(node: NodeOf<'course'> | undefined, args?: { file: string; confirm?: boolean }): Promise<RosterImportOutcomeSummary | undefined> {
    return this.guard('import the roster', async () => {
      const s = this.s();
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      let file = args?.file;
      if (!file) {
        const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, filters: { CSV: ['csv'] }, title: `Choose the roster CSV of ${courseId} (id, name, email, role, section)`, openLabel: 'Preview', ...openIn() });
        if (!picked?.[0]) return undefined;
        file = picked[0].fsPath;
      }
      const csv = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
      const preview = await s.actions.importRoster(courseId, csv);
      const shown = describeRosterImport(courseId, preview);
      if (shown.changes === 0) {
        void vscode.window.showInformationMessage(`${shown.summary} Nothing to change.`);
        return { applied: false, ...preview.counts };
      }
      if (!args?.confirm) {
        const ok = await vscode.window.showWarningMessage(shown.summary.replace(/\.$/, '?'), { modal: true, detail: shown.detail }, 'Apply');
        if (ok !== 'Apply') return { applied: false, ...preview.counts };
      }
      const done = await s.actions.importRoster(courseId, csv, { previewId: preview.previewId });
      s.cache.reload();
      void vscode.window.showInformationMessage(describeRosterImport(courseId, done).summary);
      return { applied: true, ...done.counts };
    });
  }

  private exportRoster(node: NodeOf<'course'> | undefined, args?: { target: string }): Promise<string | undefined> {
    return this.guard('export the roster', async () => {
      const s = this.s();
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      const { csv, fileName } = await s.actions.exportRoster(courseId);
      let target: vscode.Uri | undefined;
      if (args) target = vscode.Uri.file(args.target);
      else {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        target = await vscode.window.showSaveDialog({ title: 'Save the roster as CSV', filters: { CSV: ['csv'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}) });
      }
      if (!target) return undefined;
      await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
      void vscode.window.showInformationMessage(`Saved the roster of ${courseId} to ${target.fsPath}.`);
      return target.fsPath;
    });
  }

  /** The course's audit log, read again from the hub, in a read-only editor. */
  private showAuditLog(node: NodeOf<'course'> | undefined): Promise<vscode.TextEditor | undefined> {
    return this.guard('show the audit log', async () => {
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      const uri = docUri({ kind: 'audit', courseId, path: 'audit-log.md' });
      this.ctx.documentChanged(uri);
      return vscode.window.showTextDocument(uri, { preview: true });
    });
  }

  private createCourse(args?: { courseId: string; title: string }): Promise<string | undefined> {
    return this.guard('create the course', async () => {
      const s = this.s();
      let courseId = args?.courseId;
      let title = args?.title;
      if (!args) {
        courseId = await vscode.window.showInputBox({
          title: 'New course (1/2): its id',
          prompt: 'Lowercase letters and digits with single hyphens, e.g. cs101',
          validateInput: (v) => (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v) && v.length <= 63 ? undefined : 'Use 1 to 63 lowercase letters and digits, with single hyphens inside'),
        });
        if (!courseId) return undefined;
        title = await vscode.window.showInputBox({ title: 'New course (2/2): its title', validateInput: (v) => (v.trim() ? undefined : 'A title, please') });
        if (!title) return undefined;
      }
      const made = await s.actions.createCourse(courseId!, title!);
      void vscode.window.showInformationMessage(`Created ${made.title} (${made.courseId}); you are its professor. Add assignments from a folder and import the roster from its row in the Cluster view.`);
      return made.courseId;
    });
  }

  private editCourseSettings(
    node: NodeOf<'course'> | undefined,
    args?: { title?: string; idleMinutes?: number | null; officialSandboxes?: Array<'isolate' | 'local' | 'none'> | null },
  ): Promise<string | undefined> {
    return this.guard('change the course settings', async () => {
      const s = this.s();
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      let change = args;
      if (!change) {
        const now = await s.actions.courseSettings(courseId);
        const what = await vscode.window.showQuickPick(
          [
            { label: 'Title', description: now.title, key: 'title' as const },
            { label: 'Idle time of workspaces', description: now.idleMinutes ? `${now.idleMinutes} min` : "the server's default", key: 'idle' as const },
            { label: 'Sandboxes whose grades are official', description: now.officialSandboxes?.join(', ') ?? "the server's policy", key: 'sandboxes' as const },
          ],
          { title: `Settings of ${courseId}` },
        );
        if (!what) return undefined;
        if (what.key === 'title') {
          const title = await vscode.window.showInputBox({ title: `Title of ${courseId}`, value: now.title, validateInput: (v) => (v.trim() ? undefined : 'A title, please') });
          if (!title) return undefined;
          change = { title };
        } else if (what.key === 'idle') {
          const v = await vscode.window.showInputBox({ title: `Idle minutes before a workspace of ${courseId} stops`, prompt: '1 to 1440; empty: the server\'s default', value: now.idleMinutes ? String(now.idleMinutes) : '', validateInput: (x) => (x === '' || (/^\d+$/.test(x) && +x >= 1 && +x <= 1440) ? undefined : 'Minutes from 1 to 1440, or empty') });
          if (v === undefined) return undefined;
          change = { idleMinutes: v === '' ? null : Number(v) };
        } else {
          const picked = await vscode.window.showQuickPick(
            (['isolate', 'local', 'none'] as const).map((n) => ({ label: n, picked: now.officialSandboxes?.includes(n) ?? false })),
            { title: `Official sandboxes of ${courseId} (none picked: the server's policy)`, canPickMany: true },
          );
          if (!picked) return undefined;
          change = { officialSandboxes: picked.length === 0 ? null : picked.map((p) => p.label) };
        }
      }
      const done = await s.actions.updateCourse({ courseId, ...change });
      void vscode.window.showInformationMessage(`Saved the settings of ${done.title}.`);
      return done.courseId;
    });
  }

  private editAssignmentDates(node: NodeOf<'assignment'>, args?: { dueAt?: string | null; cutoffAt?: string | null; opensAt?: string | null; penaltyPercentPerDay?: number }): Promise<string | undefined> {
    return this.guard('change the dates', async () => {
      const s = this.s();
      let change = args;
      if (!change) {
        await s.cache.ensureAssignments(node.courseId);
        const a = s.cache.assignment(node.courseId, node.assignmentId);
        const dueAt = await this.askDueTime(
          `Due time of ${a?.title ?? node.assignmentId} for the whole class`,
          'e.g. +2d (from the current due time), 2026-12-01 23:59 (your time zone) or an ISO instant; extensions stay',
          a?.dueAt,
        );
        if (!dueAt) return undefined;
        const penalty = await vscode.window.showInputBox({ title: 'Late penalty, percent per started day (empty: keep)', validateInput: (v) => (v === '' || (/^\d+(\.\d+)?$/.test(v) && +v <= 100) ? undefined : 'A percentage from 0 to 100, or empty') });
        if (penalty === undefined) return undefined;
        change = { dueAt: dueAt.toISOString(), ...(penalty !== '' ? { penaltyPercentPerDay: Number(penalty) } : {}) };
      }
      const dates = await s.actions.setAssignmentDates({ courseId: node.courseId, assignmentId: node.assignmentId, ...change });
      const when = (iso: string): string => formatAbsolute(new Date(iso));
      void vscode.window.showInformationMessage(
        `${node.assignmentId} is now ${dates.dueAt ? `due ${when(dates.dueAt)}` : 'without a due time'}${dates.cutoffAt ? `, late work until ${when(dates.cutoffAt)}` : ''} (${dates.penaltyPercentPerDay}% per day late).`,
      );
      return dates.dueAt;
    });
  }

  private createInvite(node: NodeOf<'course'> | undefined, args?: { days: number; maxUses?: number }): Promise<{ code: string; link: string } | undefined> {
    return this.guard('make an invite', async () => {
      const s = this.s();
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      let days = args?.days;
      let maxUses = args?.maxUses;
      if (!args) {
        const d = await vscode.window.showInputBox({ title: `Invite students to ${courseId} (1/2)`, prompt: 'Days the invite stays valid (1 to 366)', value: '14', validateInput: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 366 ? undefined : 'A number of days from 1 to 366') });
        if (d === undefined) return undefined;
        days = Number(d);
        const u = await vscode.window.showInputBox({ title: `Invite students to ${courseId} (2/2)`, prompt: 'Most students who may join with it (empty: no limit)', validateInput: (v) => (v === '' || (/^\d+$/.test(v) && +v >= 1) ? undefined : 'A number, or empty') });
        if (u === undefined) return undefined;
        maxUses = u === '' ? undefined : Number(u);
      }
      const expiresAt = new Date(this.ctx.now() + (days ?? 14) * 86_400_000).toISOString();
      const made = await s.actions.createInvite(courseId, expiresAt, maxUses);
      void vscode.window
        .showInformationMessage(inviteCreatedText(made.invite, made.code), 'Copy Link', 'Copy Code')
        .then((c) => {
          if (c) void vscode.env.clipboard.writeText(c === 'Copy Link' ? made.link : made.code);
        });
      return { code: made.code, link: made.link };
    });
  }

  private revokeInvite(node: NodeOf<'course'> | undefined, args?: { inviteId: string }): Promise<string | undefined> {
    return this.guard('revoke the invite', async () => {
      const s = this.s();
      const courseId = await this.professorCourse(node);
      if (!courseId) return undefined;
      let inviteId = args?.inviteId;
      if (!inviteId) {
        const live = (await s.actions.listInvites(courseId)).filter((i) => i.state === 'active');
        if (live.length === 0) {
          void vscode.window.showInformationMessage(`${courseId} has no invite that still enrols anyone.`);
          return undefined;
        }
        const pick = await vscode.window.showQuickPick(
          live.map((i) => ({ ...inviteRow(i), id: i.id })),
          { title: `Revoke which invite to ${courseId}?` },
        );
        if (!pick) return undefined;
        inviteId = pick.id;
      }
      const revoked = await s.actions.revokeInvite(courseId, inviteId);
      void vscode.window.showInformationMessage(`Revoked the invite to ${courseId}; the ${revoked.uses} student(s) who joined stay enrolled.`);
      return revoked.id;
    });
  }

  private withdrawStudent(node: NodeOf<'student'>, confirmed?: boolean): Promise<boolean | undefined> {
    return this.guard('withdraw the student', async () => {
      const s = this.s();
      const who = s.cache.studentName(node.courseId, node.studentId);
      if (!confirmed) {
        const ok = await vscode.window.showWarningMessage(`Withdraw ${who} from ${node.courseId}?`, { modal: true, detail: 'Their submissions and grades are kept; their workspace is stopped and their further work is refused. A roster import that lists them again re-enrols them.' }, 'Withdraw');
        if (ok !== 'Withdraw') return undefined;
      }
      const withdrawn = await s.actions.withdrawStudent(node.courseId, node.studentId);
      s.cache.reload();
      void vscode.window.showInformationMessage(withdrawn ? `Withdrew ${who} from ${node.courseId}.` : `${who} was already withdrawn from ${node.courseId}.`);
      return withdrawn;
    });
  }

  private upsertAssignment(node: NodeOf<'course'> | undefined, args?: { folder: string; assignmentId?: string; confirm?: boolean }): Promise<string | undefined> {
    return this.guard('create or update the assignment', async () => {
      const s = this.s();
      let courseId = node?.courseId;
      if (!courseId) {
        await s.model.getChildren();
        const courses = s.cache.courses().filter((c) => c.role === 'professor');
        const pick = courses.length === 1 ? { id: courses[0]!.id } : await vscode.window.showQuickPick(courses.map((c) => ({ label: c.title, id: c.id })), { title: 'Which course?' });
        if (!pick) return undefined;
        courseId = pick.id;
      }
      let folder = args?.folder;
      if (!folder) {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Choose the assignment folder (assignment.yaml, README.md, starter/, grading/)', openLabel: 'Check this folder', ...openIn() });
        if (!picked?.[0]) return undefined;
        folder = picked[0].fsPath;
      }
      const suggested = basename(folder).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      const assignmentId =
        args?.assignmentId ??
        (await vscode.window.showInputBox({
          title: 'Assignment id',
          value: suggested,
          validateInput: (v) => (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v) ? undefined : 'Lowercase letters and digits with single hyphens, e.g. hello-c'),
        }));
      if (!assignmentId) return undefined;
      const files = await readAssignmentFolder(folder);
      const check = await s.actions.upsertAssignment(courseId, assignmentId, files, true);
      s.actions.setPreview(courseId, assignmentId, describeUpsert(courseId, check, true));
      const preview = docUri({ kind: 'preview', courseId, assignmentId, path: 'what-students-receive.md' });
      this.ctx.documentChanged(preview);
      await vscode.window.showTextDocument(preview, { preview: true, preserveFocus: true });
      if (!args?.confirm) {
        const verb = check.created ? 'Create' : 'Update';
        const ok = await vscode.window.showInformationMessage(
          `${verb} ${check.assignment.title} in ${courseId}?`,
          { modal: true, detail: `Students receive ${plural(check.studentFiles.length, 'file')}; ${plural(check.hiddenTests, 'hidden test')} ${check.hiddenTests === 1 ? 'stays' : 'stay'} on the grader.${check.warnings.length ? `\n${plural(check.warnings.length, 'warning')}: see the preview.` : ''}` },
          verb,
        );
        if (ok !== verb) return undefined;
      }
      const done = await s.actions.upsertAssignment(courseId, assignmentId, files, false);
      void vscode.window.showInformationMessage(`${done.created ? 'Created' : 'Updated'} ${done.assignment.title}: students receive ${plural(done.studentFiles.length, 'file')}.`);
      return done.assignment.id;
    });
  }

  private workspace(node: NodeOf<'workspace'>, action: 'start' | 'stop', confirmed?: boolean): Promise<string | undefined> {
    return this.guard(`${action} the workspace`, async () => {
      const s = this.s();
      const who = s.cache.studentName(node.courseId, node.studentId);
      if (action === 'stop' && !confirmed) {
        const ok = await vscode.window.showWarningMessage(`Stop ${who}'s workspace?`, { modal: true, detail: 'Their files are kept; it starts again when they connect.' }, 'Stop');
        if (ok !== 'Stop') return undefined;
      }
      const w = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${action === 'start' ? 'Starting' : 'Stopping'} ${who}'s workspace…` }, () =>
        action === 'start' ? s.actions.startWorkspace(node.courseId, node.studentId) : s.actions.stopWorkspace(node.courseId, node.studentId),
      );
      return w.state;
    });
  }

  private enterWorkspace(node: NodeOf<'workspace'>): Promise<vscode.Terminal | undefined> {
    return this.guard("open a terminal in the student's workspace", async () => {
      const s = this.s();
      const who = s.cache.studentName(node.courseId, node.studentId);
      const connectPath = await s.actions.openWorkspaceTerminal(node.courseId, node.studentId);
      const terminal = this.ctx.openTerminal(connectPath, who);
      terminal.show();
      return terminal;
    });
  }

  /** Run a graded public test again in the student's workspace and say whether the verdict is the grader's. */
  private rerunLikeGrader(node: NodeOf<'test'>): Promise<RerunOutcome | undefined> {
    return this.guard('rerun the test like the grader', async () => {
      const s = this.s();
      const sub = s.cache.submission(node.submissionId);
      const t = s.cache.result(node.submissionId)?.tests[node.index];
      if (!sub || !t) throw new Error('the test is no longer in the tree; refresh it');
      if (!t.public || t.group === undefined || t.name === undefined) throw new Error('a hidden test runs only on the grader: its data never enters a workspace');
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Rerunning ${t.group}/${t.name} in ${s.cache.studentName(sub.courseId, sub.studentId)}'s workspace…` },
        () => s.actions.rerunLikeGrader(sub, { group: t.group!, name: t.name! }, (path) => this.ctx.openWorkspace(path)),
      );
      this.ctx.logger.info('reran a graded test', { submissionId: sub.id, test: `${t.group}/${t.name}`, same: outcome.comparison.same });
      const show = outcome.comparison.same ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(outcome.comparison.summary, 'Show Details').then(async (c) => {
        if (c) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: rerunDocument(outcome), language: 'plaintext' }));
      });
      return outcome;
    });
  }
}

/** The comparison of a rerun with the grader, as a read-only document's text. */
function rerunDocument(outcome: RerunOutcome): string {
  return `${outcome.comparison.lines.join('\n')}\n`;
}

/** "name: ali · state: late" for the view, or undefined without a filter. */
export function filterDescription(filter: ClassFilter): string | undefined {
  return isFiltering(filter) ? `filter: ${describeFilter(filter)}` : undefined;
}

/** Where a file dialog opens: the open folder (else VS Code's choice, the active editor's folder). */
function openIn(): { defaultUri?: vscode.Uri } {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? { defaultUri: folder } : {};
}
