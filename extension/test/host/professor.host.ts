// The professor's side, run inside a real VS Code extension host against a
// real hub with the demo course (started by test/vscode/professor.e2e.mjs,
// which seeds submissions and passes the hub's address and staff and student
// tokens in the environment): walk the Cluster tree, open a submission file,
// diff, regrade, override, extend, export, upload an assignment, enter a
// workspace; and what people without the right see.

import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  AddFeedbackRequest,
  FollowHelpRequest,
  ErrorCode,
  GetRubricRequest,
  GetSubmissionRubricRequest,
  ListAuditRequest,
  ListFeedbackRequest,
  ListSubmissionsRequest,
  OverrideScoreRequest,
  ProtocolError,
  RegradeRequest,
  ScoreChangedNotification,
  SetAssignmentDatesRequest,
  UpsertAssignmentRequest,
  type ParamsOf,
} from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { skipBecause } from '@classpod/test-support';
import { openEndpoint, type OpenedEndpoint } from '../../src/connection/open-endpoint';
import { presentAssignment } from '../../src/courses/assignment-presentation';
import { readAssignmentFolder } from '../../src/professor/assignment-folder';
import type { ClasspodApi } from '../../src/vscode/classpod';
import type { ProfessorApi } from '../../src/vscode/professor/register';
import type { FeedbackComments } from '../../src/vscode/feedback-comments';
import type { ClusterNode } from '../../src/professor/cluster-nodes';
import { presentNode } from '../../src/professor/cluster-presentation';

type Api = ClasspodApi & { professor: ProfessorApi; feedback: FeedbackComments };

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this suite through test/vscode/professor.e2e.mjs`);
  return v;
}

/**
 * Wait until `check` holds, polling, for up to `ms` (generous: grading on a
 * loaded machine takes its time). Tests that wait on the grader set a mocha
 * timeout beyond it.
 */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function registerProfessorSuite(): void {
  registerStaffSuite();
  registerScoresAsStudentsSeeThem();
  registerRevealAsTheStudentSeesIt();
  registerFeedbackAsTheStudentReadsIt();
  registerLiveHelpAsTheStudentSeesIt();
}

/** The professor's own connection to the hub, beside the extension's (the suites act through it as staff would). */
function connectAsProfessor(capabilities: string[] = []): Promise<OpenedEndpoint> {
  return openEndpoint({ server: new URL(env('CLASSPOD_HUB_URL')), path: '/v1/connect', token: env('CLASSPOD_PROFESSOR_TOKEN'), capabilities, clientVersion: 'e2e', logger: silentLogger, timeoutMs: 30_000 });
}

/**
 * Live help from the student's side: Grace raises her hand here, a professor
 * follows it with her terminal (through their own connection), and Grace's
 * VS Code says so — a notice and the status bar — until she ends the session.
 */
function registerLiveHelpAsTheStudentSeesIt(): void {
  describe('live help as the student sees it (in the extension host)', function () {
    this.timeout(240_000);
    let api: Api;
    let prof: OpenedEndpoint;

    before(async function () {
      api = (await vscode.extensions.getExtension<Api>('classpod.classpod')!.activate())!;
      prof = await connectAsProfessor();
    });
    after(() => prof?.endpoint.close(1000, 'done'));

    it("tells Grace on screen while the professor views her terminal, and she ends the session", async function () {
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_TOKEN') }), true);
      const raised = await api.help.raise({ courseId: 'cs101', assignmentId: 'c-sum', message: 'The mean is wrong for negative numbers.' });
      assert.ok(raised, 'the hand is raised');
      await until('the status bar shows the raised hand', () => /Hand raised — \d+(st|nd|rd|th) in queue/.test(api.help.statusText ?? ''));
      const followed = await prof.endpoint.request(FollowHelpRequest.type, { requestId: raised.id, terminal: true });
      assert.equal(followed.request.studentId, 'grace');
      await until('the notice says the professor views the terminal', () => api.help.notices.some((n) => /is viewing your terminal \(help with c-sum\)/.test(n)));
      await until('the status bar says so too', () => /\$\(eye\) .+ is viewing your terminal/.test(api.help.statusText ?? ''));
      const ended = await api.help.end('cs101');
      assert.deepEqual([ended.state, ended.endedBy], ['ended', 'grace']);
      await until('the status bar clears', () => api.help.statusText === undefined);
      const { entries } = await prof.endpoint.request(ListAuditRequest.type, { courseId: 'cs101' });
      for (const action of ['help.take', 'help.follow', 'help.terminal', 'help.end']) {
        assert.ok(entries.some((e) => e.action === action && e.target === 'grace'), `${action} is in the audit log`);
      }
    });
  });
}

/**
 * Hidden tests revealed after the deadline, and late work judged again, from
 * the student's side: a professor uploads a copy of c-sum that reveals its
 * hidden tests after the deadline; Ada hands in the reference solution and
 * reads its hidden tests by their place; the professor then moves the dates so
 * that the deadline and all her late days are past. Ada is told her submission
 * was judged again (late now, with its penalty), and Show Results names the
 * hidden tests with their verdicts.
 */
function registerRevealAsTheStudentSeesIt(): void {
  describe('hidden tests revealed after the deadline, as the student sees them (in the extension host)', function () {
    this.timeout(300_000);
    let api: Api;
    let prof: OpenedEndpoint;
    const repo = (): string => env('CLASSPOD_E2E_REPO');

    before(async function () {
      if (!process.env.CLASSPOD_E2E_GRADER) skipBecause(this, 'the run has no grading worker, and nothing grades without one');
      api = (await vscode.extensions.getExtension<Api>('classpod.classpod')!.activate())!;
      prof = await connectAsProfessor();
      const folder = join(mkdtempSync(join(env('CLASSPOD_E2E_DIR'), 'classpod-reveal-')), 'c-reveal');
      cpSync(join(repo(), 'examples', 'demo-course', 'assignments', 'c-sum'), folder, { recursive: true });
      writeFileSync(join(folder, 'assignment.yaml'), `${readFileSync(join(folder, 'assignment.yaml'), 'utf8').replace('title: Sum and mean (C)', 'title: Sum and mean, revealed')}\nresults:\n  revealHiddenAfterDeadline: true\n`);
      await prof.endpoint.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'c-reveal', files: await readAssignmentFolder(folder) });
    });
    after(() => prof?.endpoint.close(1000, 'done'));

    it('hides the names until her last moment to hand in has passed, then names them with their verdicts', async function () {
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_ADA_TOKEN') }), true);
      const folder = join(env('CLASSPOD_E2E_DIR'), 'host-reveal', 'c-reveal');
      assert.equal(await api.commands.openAssignment({ courseId: 'cs101', assignmentId: 'c-reveal', folder, openFolder: false }), folder);
      await until('the folder is synced', () => api.folders.find('cs101', 'c-reveal')?.sync.status.kind === 'synced');
      writeFileSync(join(folder, 'sum.c'), readFileSync(join(repo(), 'examples', 'demo-course', 'assignments', 'c-sum', 'solution', 'sum.c')));
      await api.folders.find('cs101', 'c-reveal')!.sync.syncNow();
      const receipt = await api.commands.submit({ courseId: 'cs101', assignmentId: 'c-reveal', confirmed: true });
      assert.equal(receipt?.submission.late, false);
      const reveal = () => api.catalog.find('cs101', 'c-reveal');
      await until('her submission graded at 100/100', () => reveal()?.state === 'graded' && reveal()?.score === 100);
      const hiddenLines = (lines: string[]): string[] => lines.filter((l) => /^[✔✘] /.test(l) && !/^[✔✘] examples\//.test(l));
      const before = await api.commands.showResults({ courseId: 'cs101', assignmentId: 'c-reveal' });
      assert.ok(before);
      assert.equal(hiddenLines(before.lines).length, 4, before.lines.join('\n'));
      assert.ok(hiddenLines(before.lines).every((l) => /^✔ hidden test [1-4] of 4: /.test(l)), hiddenLines(before.lines).join('\n'));

      // The deadline, the cut-off and the two late days the course gives are all past now.
      const now = Date.now();
      const day = 86_400_000;
      await prof.endpoint.request(SetAssignmentDatesRequest.type, {
        courseId: 'cs101',
        assignmentId: 'c-reveal',
        opensAt: new Date(now - 6 * day).toISOString(),
        dueAt: new Date(now - 5 * day).toISOString(),
        cutoffAt: new Date(now - 4 * day).toISOString(),
      });
      let judged: RegExpMatchArray | null = null;
      await until('the notice that her submission was judged again', () => {
        judged = api.scoreNotices.map((n) => /^“Sum and mean, revealed”: judged again by your deadline as it is now \(.+\): a late penalty of (\d+)%; the score is (\d+)\/100\.$/.exec(n)).find((m) => m) ?? null;
        return judged !== null;
      });
      const [, penalty, score] = judged!;
      assert.equal(Number(score), 100 - Number(penalty), `${penalty}% off 100`);
      assert.ok(Number(penalty) > 0);
      await until('the Courses view shows the new score', () => reveal()?.score === Number(score));

      const after = await api.commands.showResults({ courseId: 'cs101', assignmentId: 'c-reveal' });
      assert.ok(after);
      const named = hiddenLines(after.lines);
      assert.equal(named.length, 4, after.lines.join('\n'));
      assert.ok(named.every((l) => /^✔ [a-z-]+\/[a-z0-9-]+ \(hidden\): Accepted/.test(l)), named.join('\n'));
      assert.ok(named.some((l) => /overflow|big-numbers|edge-cases/.test(l)), 'the hidden tests are named now');
    });
  });
}

/**
 * Feedback on code from the student's side: a professor comments on a line of
 * Ada's latest submission (through their own connection), Ada opens the
 * assignment here and finds the thread on the same line of her own sum.c,
 * read only, labelled with the submission it is about.
 */
function registerFeedbackAsTheStudentReadsIt(): void {
  describe('feedback on code as the student reads it (in the extension host)', function () {
    this.timeout(240_000);
    let api: Api;
    let prof: OpenedEndpoint;

    before(async function () {
      api = (await vscode.extensions.getExtension<Api>('classpod.classpod')!.activate())!;
      prof = await connectAsProfessor();
    });
    after(() => prof?.endpoint.close(1000, 'done'));

    it('shows Ada the thread on the same lines of her own file, read only', async function () {
      const { submissions } = await prof.endpoint.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'ada' });
      const latest = submissions[0]!;
      const body = 'Check the mean: integer division rounds towards zero.';
      await prof.endpoint.request(AddFeedbackRequest.type, { submissionId: latest.id, path: 'sum.c', line: 3, body });
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_ADA_TOKEN') }), true);
      const folder = join(env('CLASSPOD_E2E_DIR'), 'host-feedback', 'c-sum');
      assert.equal(await api.commands.openAssignment({ courseId: 'cs101', assignmentId: 'c-sum', folder, openFolder: false }), folder);
      await until('the folder is synced', () => api.folders.list().some((f) => f.folder === folder));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(folder, 'sum.c')));
      await vscode.window.showTextDocument(doc);
      let threads: readonly vscode.CommentThread[] = [];
      await until('the feedback thread on sum.c', async () => {
        await api.feedback.show(doc);
        threads = api.feedback.threads(doc.uri);
        return threads.some((t) => t.comments.some((c) => (c.body as vscode.MarkdownString).value === body));
      });
      const thread = threads.find((t) => t.comments.some((c) => (c.body as vscode.MarkdownString).value === body))!;
      assert.equal(thread.range?.start.line, 2, 'line 3 of the submitted file is line 3 of hers');
      assert.equal(thread.canReply, false, 'a student reads feedback; she does not write it');
      assert.match(String(thread.label), /^Feedback on your latest submission of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
      assert.equal(thread.comments.find((c) => (c.body as vscode.MarkdownString).value === body)!.author.name, 'Alan Turing');
      // The hub still refuses her a comment of her own.
      const own = await api.hub();
      await assert.rejects(own.request(AddFeedbackRequest.type, { submissionId: latest.id, path: 'sum.c', line: 1, body: 'fine by me' }), /only the staff of course cs101/);
      assert.ok((await own.request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).comments.some((c) => c.body === body));
    });
  });
}

/**
 * The student's side of grades: Ada (a student) is signed in here while a
 * professor acts through their own connection to the hub. Ada's older
 * submission is the starter file, her latest the reference solution.
 */
function registerScoresAsStudentsSeeThem(): void {
  describe('scores as the student sees them (in the extension host)', function () {
    this.timeout(240_000);
    let api: Api;
    let prof: OpenedEndpoint;
    let older: string;
    let latest: string;
    const events: Array<ParamsOf<typeof ScoreChangedNotification.type>> = [];
    const cSum = () => api.catalog.find('cs101', 'c-sum');

    /** Wait until `check` holds, saying what it waited for and what it saw when it gives up. */
    const waitUntil = async (what: string, check: () => boolean | Promise<boolean>, seen: () => unknown, ms = 200_000): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; saw ${JSON.stringify(seen())}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const adaSubmissions = async () => (await prof.endpoint.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'ada' })).submissions;

    before(async function () {
      if (!process.env.CLASSPOD_E2E_GRADER) skipBecause(this, 'the run has no grading worker, and nothing grades without one');
      api = (await vscode.extensions.getExtension<Api>('classpod.classpod')!.activate())!;
      prof = await connectAsProfessor(['files']);
      // The staff hear the same events as the student (the extension's own connection keeps its one handler).
      prof.endpoint.onNotification(ScoreChangedNotification.type, (p) => events.push(p));
    });

    it('Ada signs in; her submissions are graded, the latest (the reference solution) at 100/100', async function () {
      this.timeout(240_000);
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_ADA_TOKEN') }), true);
      assert.equal(api.session.account?.person.personId, 'ada');
      let subs = await adaSubmissions();
      await waitUntil('both of Ada\'s submissions graded', async () => (subs = await adaSubmissions()).every((x) => x.status === 'graded'), () => subs.map((x) => x.status));
      [latest, older] = [subs[0]!.id, subs[1]!.id];
      // Start from the graded score: no override.
      await prof.endpoint.request(OverrideScoreRequest.type, { submissionId: latest, comment: 'back to the graded score' });
      await waitUntil('the graded score in the Courses view', () => cSum()?.score === 100 && cSum()?.override === undefined, () => cSum());
      await waitUntil('the notification that the score set by hand was removed', () => api.scoreNotices.some((n) => /set by hand was removed; it is 100\/100 again/.test(n)), () => api.scoreNotices);
    });

    after(() => prof?.endpoint.close(1000, 'done'));

    it('shows results at 100/100 with ✔ for every test, hidden ones by their place', async function () {
      const shown = await api.commands.showResults({ courseId: 'cs101', assignmentId: 'c-sum' });
      assert.ok(shown);
      assert.equal(shown.result.submissionId, latest, 'the submission that counts');
      assert.ok(shown.lines.includes('Score: 100/100'), shown.lines.join('\n'));
      const tests = shown.lines.filter((l) => /^[✔✘] /.test(l));
      assert.equal(tests.length, shown.result.tests.length);
      assert.ok(tests.every((l) => l.startsWith('✔ ')), tests.join('\n'));
      // The e2e grader runs with `none`, which says of every verdict that memory was not limited.
      assert.ok(tests.some((l) => /^✔ examples\/small: Accepted — 15\/15( — memory not limited on this machine)?$/.test(l)), tests.join('\n'));
      assert.ok(tests.some((l) => /^✔ hidden test 1 of 4: Accepted — /.test(l)), 'a hidden test reads "hidden test N of M"');
      // What the grader said (the staff's feedback threads listed after it may say anything, "mind the overflow" too).
      const feedbackAt = shown.lines.findIndex((l) => l.startsWith('Feedback on your code'));
      const named = shown.lines.slice(0, feedbackAt < 0 ? undefined : feedbackAt).filter((l) => /overflow|edge-cases|big-numbers/.test(l));
      assert.deepEqual(named, [], 'no hidden test or group name');
    });

    it('regrades the older submission without telling Ada it is her score', async function () {
      const heard = events.length;
      const notices = api.scoreNotices.length;
      await prof.endpoint.request(RegradeRequest.type, { courseId: 'cs101', submissionId: older });
      await waitUntil('the regrade of the older submission graded', () => events.slice(heard).some((e) => e.submissionId === older && e.status === 'graded'), () => events.slice(heard));
      const e = events.slice(heard).find((x) => x.submissionId === older && x.status === 'graded')!;
      assert.equal(e.counts, false);
      assert.ok((e.score ?? 0) < 100, `the older submission scores ${e.score}`);
      await new Promise((r) => setTimeout(r, 500)); // any notification would have been shown by now
      assert.deepEqual(api.scoreNotices.slice(notices), [], 'no "graded: …" notification');
      await api.commands.refresh();
      assert.equal(cSum()?.score, 100, 'the Courses view still shows the score that counts');
      assert.equal(cSum()?.latestSubmissionId, latest);
      const shown = await api.commands.showResults({ courseId: 'cs101', assignmentId: 'c-sum' });
      assert.equal(shown?.result.submissionId, latest, 'Show Results still shows the submission that counts');
    });

    it('reruns a graded test like the grader in her workspace: the same verdict, on the same toolchain', async function () {
      const outcome = await api.commands.rerunLikeGrader({ courseId: 'cs101', assignmentId: 'c-sum', group: 'examples', name: 'small' });
      assert.ok(outcome);
      assert.equal(outcome.result.submissionId, latest);
      assert.equal(outcome.rerun.verdict, 'AC');
      assert.equal(outcome.comparison.same, true, outcome.comparison.lines.join('\n'));
      assert.ok(!outcome.comparison.reasons.some((r) => /not the submitted ones/.test(r)), 'her workspace holds the submitted sources');
      // The grader and her workspace run the same compiler on this machine: the toolchains are compared and agree.
      assert.ok(Object.keys(outcome.rerunProvenance).some((k) => k.startsWith('toolchain.')), JSON.stringify(outcome.rerunProvenance));
      assert.ok(!outcome.comparison.reasons.some((r) => /toolchain/i.test(r)), outcome.comparison.reasons.join('\n'));
      await assert.rejects(
        api.commands.rerunLikeGrader({ courseId: 'cs101', assignmentId: 'c-sum', group: 'edge-cases', name: 'empty' }),
        /no graded test edge-cases\/empty/,
        'a hidden test is not even named to her, so it cannot be rerun',
      );
    });

    it('refuses an override of 150/100', async function () {
      await assert.rejects(
        prof.endpoint.request(OverrideScoreRequest.type, { submissionId: latest, score: 150, comment: 'too generous' }),
        (err: unknown) => err instanceof ProtocolError && err.code === ErrorCode.InvalidParams && /above the maximum of 100/.test(err.message),
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(cSum()?.score, 100);
      assert.ok(!api.scoreNotices.some((n) => /150/.test(n)), 'nothing announced');
    });

    it('brings the override comment to Ada: the notification, the Courses view and Show Results', async function () {
      const comment = 'Well done; 10 points off for the missing header comment.';
      await prof.endpoint.request(OverrideScoreRequest.type, { submissionId: latest, score: 90, comment });
      await waitUntil('the notification', () => api.scoreNotices.some((n) => n.includes(comment)), () => api.scoreNotices);
      assert.ok(api.scoreNotices.includes(`“Sum and mean (C)”: Score set to 90/100 by your professor: “${comment}”`), api.scoreNotices.join('\n'));
      await waitUntil('the Courses view', () => cSum()?.score === 90, () => cSum());
      const row = presentAssignment(cSum()!, new Date(api.session.serverNow()));
      assert.match(row.description, /graded 90\/100 \(set by your professor\)/);
      assert.ok(row.tooltip.some((l) => l.includes(comment)), row.tooltip.join('\n'));
      const shown = await api.commands.showResults({ courseId: 'cs101', assignmentId: 'c-sum' });
      assert.ok(shown?.lines.includes('Score: 90/100'));
      assert.ok(shown?.lines.some((l) => l.includes(comment)), shown?.lines.join('\n'));
    });
  });
}

function registerStaffSuite(): void {
  describe('professor (in the extension host)', function () {
    this.timeout(240_000);
    let api: Api;
    const now = (): Date => new Date(api.session.serverNow());
    const label = (n: ClusterNode): string => presentNode(api.professor.session!.model, n, now()).label;
    const describeRow = (n: ClusterNode): string => presentNode(api.professor.session!.model, n, now()).description ?? '';
    /** The row under `parent` whose label matches. */
    const row = async (parent: ClusterNode | undefined, match: RegExp): Promise<ClusterNode> => {
      const rows = await api.professor.session!.model.getChildren(parent);
      const found = rows.find((r) => match.test(label(r)));
      assert.ok(found, `a row ${match} under ${parent ? label(parent) : 'the top'}; the rows are: ${rows.map(label).join(' | ')}`);
      return found;
    };
    const signIn = async (token: string): Promise<void> => {
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token }), true);
    };

    let course: ClusterNode;
    let assignment: ClusterNode;
    let ada: ClusterNode;
    let adaLatest: Extract<ClusterNode, { kind: 'submission' }>;
    let adaFirst: Extract<ClusterNode, { kind: 'submission' }>;
    let sumFile: Extract<ClusterNode, { kind: 'file' }>;

    before(async function () {
      const ext = vscode.extensions.getExtension<Api>('classpod.classpod');
      assert.ok(ext, 'the Classpod extension is installed');
      api = await ext.activate();
    });

    it('shows a student no Cluster view', async function () {
      await signIn(env('CLASSPOD_STUDENT_TOKEN'));
      assert.equal(api.professor.session, undefined);
      assert.deepEqual(await api.professor.tree.getChildren(), []);
    });

    it('shows the professor the cluster and the course, and walks down to a submission', async function () {
      await signIn(env('CLASSPOD_PROFESSOR_TOKEN'));
      assert.ok(api.professor.session, 'a professor session started');
      const top = await api.professor.session.model.getChildren();
      assert.deepEqual(top.map(label), ['Cluster', 'Introduction to Programming (demo)']);
      assert.match(describeRow(top[0]!), /^local/);
      course = top[1]!;
      assert.match(describeRow(course), /professor · 2 students/);

      const workspaces = await row(course, /^Workspaces$/);
      const ws = await api.professor.session.model.getChildren(workspaces);
      assert.deepEqual(ws.map(label), ['Ada Lovelace', 'Grace Hopper']);
      assert.match(describeRow(ws[0]!), /^(running|starting|stopped)/);

      assignment = await row(await row(course, /^Assignments$/), /^Sum and mean \(C\)$/);
      ada = await row(assignment, /^Ada Lovelace$/);
      assert.match(describeRow(ada), /2 submissions/);
      assert.match(describeRow(assignment), /2\/2 submitted/);
      // Her two submissions, newest first (her Versions row stands beside them).
      const subs = (await api.professor.session.model.getChildren(ada)).filter((r) => r.kind === 'submission');
      assert.equal(subs.length, 2);
      adaLatest = subs[0] as typeof adaLatest;
      adaFirst = subs[1] as typeof adaFirst;
      const inside = await api.professor.session.model.getChildren(adaLatest);
      assert.equal(label(inside[0]!), 'Test results');
      sumFile = inside.find((r) => r.kind === 'file' && r.path === 'sum.c') as typeof sumFile;
      assert.ok(sumFile, `sum.c among ${inside.map(label).join(', ')}`);
      // The rows are on screen too.
      await api.professor.view.reveal(sumFile, { select: true, focus: true, expand: true });
    });

    it('shows per-test results and a verdict summary once the grader has graded', async function () {
      if (!process.env.CLASSPOD_E2E_GRADER) skipBecause(this, 'the run has no grading worker');
      const model = api.professor.session!.model;
      await until('both of Ada\'s submissions graded', () => model.cache.submission(adaLatest.submissionId)?.status === 'graded' && model.cache.submission(adaFirst.submissionId)?.status === 'graded');
      await model.getChildren(ada); // rows read their results when shown
      assert.match(describeRow(adaLatest), /· (\d+)\/\1 passed$/, 'the reference solution passes every test');
      assert.match(describeRow(adaFirst), /· \d+\/\d+ passed · \d+ [A-Z][a-z -]+/, 'the starter file fails some, named by verdict');
      const [results] = await model.getChildren(adaFirst);
      const tests = await model.getChildren(results);
      assert.ok(tests.length > 0);
      assert.ok(tests.some((t) => /hidden/.test(label(t))), 'hidden tests are listed for staff');
      assert.ok(tests.some((t) => /^(Wrong answer|Time limit exceeded|Runtime error) · /.test(describeRow(t))), 'a failing test shows its verdict by name');
    });

    it('opens a submission file read-only on the classpod: scheme', async function () {
      const editor = (await vscode.commands.executeCommand('classpod.professor.openFile', sumFile)) as vscode.TextEditor;
      assert.equal(editor.document.uri.scheme, 'classpod');
      const solution = readFileSync(join(env('CLASSPOD_E2E_REPO'), 'examples', 'demo-course', 'assignments', 'c-sum', 'solution', 'sum.c'), 'utf8');
      assert.equal(editor.document.getText(), solution);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, Buffer.from('x'))), /NoPermissions|permission/i);
    });

    it('diffs a submission with the starter file and with an earlier submission', async function () {
      assert.equal(await vscode.commands.executeCommand('classpod.professor.compareWithStarter', sumFile), true);
      const diff = (): vscode.TabInputTextDiff => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        assert.ok(input instanceof vscode.TabInputTextDiff, 'a diff editor is active');
        return input;
      };
      assert.match(diff().original.path, /^\/starter\/cs101\/c-sum\/sum\.c$/);
      assert.match(diff().modified.path, /^\/submissions\/cs101\/c-sum\/ada\/.+\/sum\.c$/);
      assert.match(vscode.window.tabGroups.activeTabGroup.activeTab!.label, /starter ↔ Ada Lovelace/);

      assert.equal(await vscode.commands.executeCommand('classpod.professor.compareWithSubmission', sumFile, { otherSubmissionId: adaFirst.submissionId }), true);
      assert.ok(diff().original.path.includes(`/${adaFirst.submissionId}/sum.c`));
      const starter = readFileSync(join(env('CLASSPOD_E2E_REPO'), 'examples', 'demo-course', 'assignments', 'c-sum', 'starter', 'sum.c'), 'utf8');
      assert.equal((await vscode.workspace.openTextDocument(diff().original)).getText(), starter, 'the first submission was the starter file');
    });

    it('regrades one submission and a whole assignment, recorded in the audit log', async function () {
      const one = (await vscode.commands.executeCommand('classpod.professor.regradeSubmission', adaLatest)) as string[];
      assert.deepEqual(one, [adaLatest.submissionId]);
      // With a worker waiting, the regrade may already be running (or done) when the answer comes back.
      if (!process.env.CLASSPOD_E2E_GRADER) assert.equal(api.professor.session!.cache.submission(adaLatest.submissionId)?.status, 'queued');
      const all = (await vscode.commands.executeCommand('classpod.professor.regradeAssignment', assignment, { confirm: true })) as string[];
      assert.equal(all.length, 2, 'the latest submission of each of the two students');
      const endpoint = await api.professor.session!.connection.ready();
      const { entries } = await endpoint.request(ListAuditRequest.type, { courseId: 'cs101' });
      assert.ok(entries.filter((e) => e.action === 'submission.regrade').length >= 2);
      if (process.env.CLASSPOD_E2E_GRADER) {
        // The new scores arrive as the hub's events: the rows change without a reload.
        const model = api.professor.session!.model;
        await until('the regraded submissions graded again', () => all.every((id) => model.cache.submission(id)?.status === 'graded'));
        await model.getChildren(ada); // as the view does when the row is redrawn
        // …and the row says it was regraded.
        assert.match(describeRow(adaLatest), /(\d+)\/\1 passed · regraded$/);
      }
    });

    it('overrides a score with a comment, and the row says so', async function () {
      const text = await vscode.commands.executeCommand('classpod.professor.overrideScore', adaLatest, { score: 9, comment: 'Correct; the checker missed a trailing newline.' });
      assert.match(String(text), /^9\/\d+ \(overridden\)$|^9 \(overridden\)$/);
      const s = api.professor.session!.cache.submission(adaLatest.submissionId)!;
      assert.equal(s.override?.comment, 'Correct; the checker missed a trailing newline.');
      assert.match(describeRow(ada), /^9(\/\d+)? \(overridden\)/);
    });

    it('opens the gradebook: the class at a glance, sorted and searched, and a cell revealed in the Cluster view', async function () {
      await vscode.commands.executeCommand('classpod.professor.openGradebook', { courseId: 'cs101' });
      const panel = api.professor.gradebooks.get('cs101');
      assert.ok(panel?.book, 'the gradebook of cs101 is open');
      assert.equal(panel.panel.title, 'Gradebook: Introduction to Programming (demo)');
      const book = panel.book;
      assert.deepEqual(book.rows.map((r) => r.student.id), ['ada', 'grace']);
      const adaSum = book.cell('ada', 'c-sum')!;
      assert.deepEqual([adaSum.submissionId, adaSum.score, adaSum.overridden], [adaLatest.submissionId, 9, true]);
      assert.match(panel.panel.webview.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
      await panel.handle({ type: 'sort', column: 'student' });
      assert.deepEqual(book.view(panel.query).map((r) => r.student.id), ['grace', 'ada']);
      await panel.handle({ type: 'search', text: 'hopper' });
      assert.deepEqual(book.view(panel.query).map((r) => r.student.id), ['grace']);
      await panel.handle({ type: 'open', studentId: 'ada', assignmentId: 'c-sum' });
      await until('the Cluster view selects her submission', () => api.professor.view.selection.some((n) => n.id === adaLatest.id));
    });

    it("writes feedback on lines of a submitted file and answers it in the thread; reopened, it is still there", async function () {
      const editor = (await vscode.commands.executeCommand('classpod.professor.openFile', sumFile)) as vscode.TextEditor;
      const doc = editor.document;
      const thread = api.feedback.controller.createCommentThread(doc.uri, new vscode.Range(1, 0, 2, 0), []);
      const first = await api.feedback.add({ thread, text: 'Read both numbers before you add them.' });
      assert.ok(first, 'the hub stored the comment');
      assert.deepEqual([first.path, first.line, first.endLine, first.authorName], ['sum.c', 2, 3, 'Alan Turing']);
      const reply = await api.feedback.add({ thread, text: 'And mind the overflow.' });
      assert.equal(reply?.threadId, first.id, 'a reply joins the thread');
      assert.equal(thread.comments.length, 2);
      thread.dispose();
      assert.equal(await api.feedback.show(doc), api.feedback.threads(doc.uri).length);
      const shown = api.feedback.threads(doc.uri).find((t) => t.comments.some((c) => (c.body as vscode.MarkdownString).value === 'Read both numbers before you add them.'));
      assert.ok(shown, 'the thread comes back from the hub');
      assert.deepEqual(shown.comments.map((c) => (c.body as vscode.MarkdownString).value), ['Read both numbers before you add them.', 'And mind the overflow.']);
      assert.equal(shown.range?.start.line, 1);
      assert.equal(shown.canReply, true);
    });

    it("reruns a graded public test like the grader in the student's workspace", async function () {
      if (!process.env.CLASSPOD_E2E_GRADER) skipBecause(this, 'the run has no grading worker');
      const model = api.professor.session!.model;
      await until('the latest submission graded', () => model.cache.submission(adaLatest.submissionId)?.status === 'graded');
      const [results] = await model.getChildren(adaLatest);
      const tests = await model.getChildren(results);
      const small = tests.find((t) => label(t) === 'small')!;
      assert.ok(small, tests.map(label).join(', '));
      assert.equal(presentNode(model, small, now()).contextValue, 'test.public', 'the row offers the rerun');
      assert.equal(presentNode(model, tests.find((t) => /hidden/.test(label(t)))!, now()).contextValue, 'test.hidden', 'a hidden one does not');
      const outcome = (await vscode.commands.executeCommand('classpod.professor.rerunLikeGrader', small)) as { rerun: { verdict: string }; comparison: { same: boolean; summary: string } };
      assert.ok(outcome, 'the rerun finished');
      assert.equal(outcome.rerun.verdict, 'AC');
      assert.match(outcome.comparison.summary, /^Rerun of examples\/small in Ada Lovelace's workspace: Accepted, the same as the grader\.$/);
    });

    it("extends one student's deadline", async function () {
      const grace = await row(assignment, /^Grace Hopper$/);
      const dueAt = new Date(Date.now() + 5 * 86_400_000);
      dueAt.setMilliseconds(0);
      const due = await vscode.commands.executeCommand('classpod.professor.extendDeadline', grace, { dueAt: dueAt.toISOString(), comment: 'medical certificate' });
      assert.equal(due, dueAt.toISOString());
    });

    it('grants one student extra submissions on an assignment with a limit, and says how many they now have', async function () {
      const grace = await row(assignment, /^Grace Hopper$/);
      const first = (await vscode.commands.executeCommand('classpod.professor.grantAttempts', grace, { extra: 1, comment: 'a broken laptop' })) as number | undefined;
      assert.equal(typeof first, 'number', 'c-sum has a limit in this run, so Grace has a number left');
      const second = (await vscode.commands.executeCommand('classpod.professor.grantAttempts', grace, { extra: 2 })) as number | undefined;
      assert.equal(second, first! + 2);
    });

    it("regrades one student's latest submission and exports the course's grade book", async function () {
      const grace = await row(assignment, /^Grace Hopper$/);
      const queued = (await vscode.commands.executeCommand('classpod.professor.regradeStudent', grace)) as string[];
      assert.equal(queued.length, 1);
      assert.equal(api.professor.session!.cache.submission(queued[0]!)?.studentId, 'grace');
      const target = join(mkdtempSync(join(env('CLASSPOD_E2E_DIR'), 'classpod-grades-')), 'cs101.csv');
      assert.equal(await vscode.commands.executeCommand('classpod.professor.exportGrades', course, { target }), target);
      const book = readFileSync(target, 'utf8');
      assert.match(book, /c-sum/);
      assert.match(book, /ada/);
    });

    it("exports the assignment's grades as CSV", async function () {
      const target = join(mkdtempSync(join(env('CLASSPOD_E2E_DIR'), 'classpod-grades-')), 'c-sum.csv');
      assert.equal(await vscode.commands.executeCommand('classpod.professor.exportGrades', assignment, { target }), target);
      const lines = readFileSync(target, 'utf8').trim().split('\r\n');
      assert.match(lines[0]!, /^student_id,name,/);
      // Read by column name: the export grows columns (rubric points, late days) and a test should not care where.
      const header = lines[0]!.split(',');
      const ada = lines.find((l) => l.startsWith('ada,'))!.split(',');
      const column = (name: string): string | undefined => ada[header.indexOf(name)];
      assert.deepEqual(
        ['score', 'overridden', 'override_comment', 'submissions'].map(column),
        ['9', 'true', 'Correct; the checker missed a trailing newline.', '2'],
        `${lines[0]}\n${ada.join(',')}`,
      );
      assert.ok(lines.some((l) => l.startsWith('grace,Grace Hopper,')));
    });

    it('refuses an assignment folder whose test specification is broken, and changes nothing', async function () {
      const folder = join(mkdtempSync(join(env('CLASSPOD_E2E_DIR'), 'classpod-upsert-')), 'broken');
      cpSync(join(env('CLASSPOD_E2E_REPO'), 'examples', 'demo-course', 'assignments', 'py-primes'), folder, { recursive: true });
      writeFileSync(join(folder, 'grading', 'spec.yaml'), 'language: [not, a, language\ntests: 7\n');
      await assert.rejects(
        () => api.professor.session!.actions.upsertAssignment('cs101', 'broken-primes', [{ path: 'grading/spec.yaml', contentBase64: Buffer.from('tests: 7').toString('base64') }], true),
        (err: Error & { code?: number }) => err.code === -32602,
      );
      const id = await vscode.commands.executeCommand('classpod.professor.upsertAssignment', course, { folder, assignmentId: 'broken-primes', confirm: true });
      assert.equal(id, undefined, 'the command stops at the check');
      await api.professor.session!.cache.ensureAssignments('cs101');
      assert.equal(api.professor.session!.cache.assignment('cs101', 'broken-primes'), undefined);
    });

    it('creates an assignment from a local folder after checking it', async function () {
      const folder = join(mkdtempSync(join(env('CLASSPOD_E2E_DIR'), 'classpod-upsert-')), 'primes');
      cpSync(join(env('CLASSPOD_E2E_REPO'), 'examples', 'demo-course', 'assignments', 'py-primes'), folder, { recursive: true });
      const id = await vscode.commands.executeCommand('classpod.professor.upsertAssignment', course, { folder, assignmentId: 'primes-again', confirm: true });
      assert.equal(id, 'primes-again');
      const preview = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'classpod' && d.uri.path === '/preview/cs101/primes-again/what-students-receive.md');
      assert.ok(preview, 'the check showed what students will receive');
      assert.match(preview.getText(), /Would create assignment `primes-again` in course `cs101`/);
      assert.match(preview.getText(), /Hidden tests \(kept on the grader, never sent to students\): \d+/);
      assert.ok(api.professor.session!.cache.assignment('cs101', 'primes-again'), 'the new assignment is in the tree');
    });

    it("stops and starts a workspace, and opens a terminal into it", async function () {
      const workspaces = await row(course, /^Workspaces$/);
      const grace = await row(workspaces, /^Grace Hopper$/);
      assert.equal(await vscode.commands.executeCommand('classpod.professor.stopWorkspace', grace, { confirm: true }), 'stopped');
      assert.match(describeRow(grace), /^stopped/);
      assert.equal(await vscode.commands.executeCommand('classpod.professor.startWorkspace', grace), 'running');
      const terminal = (await vscode.commands.executeCommand('classpod.professor.openWorkspaceTerminal', grace)) as vscode.Terminal;
      assert.ok(terminal);
      const pty = api.professor.terminals[api.professor.terminals.length - 1]!;
      await until('a shell prompt', () => /[$#] ?$/m.test(pty.transcript));
      terminal.sendText('echo staff-$((6*7))');
      await until('the echo', () => /staff-42/.test(pty.transcript));
      terminal.dispose();
      const endpoint = await api.professor.session!.connection.ready();
      const { entries } = await endpoint.request(ListAuditRequest.type, { courseId: 'cs101' });
      assert.ok(entries.some((e) => e.action === 'workspace.terminal' && e.target === 'grace'), 'entering the workspace was recorded');
    });

    it("shows the course's audit log in a read-only editor, names beside ids, newest first", async function () {
      const editor = (await vscode.commands.executeCommand('classpod.professor.showAuditLog', course)) as vscode.TextEditor;
      assert.ok(editor, 'the log opened');
      assert.deepEqual([editor.document.uri.scheme, editor.document.uri.path], ['classpod', '/audit/cs101/audit-log.md']);
      const text = editor.document.getText();
      assert.match(text, /^# Audit log: Introduction to Programming \(demo\)$/m);
      const rows = text.split('\n').filter((l) => l.startsWith('| ') && !/^\| (When|---)/.test(l));
      // The terminal opened just now is among the newest (entering the workspace for it is recorded too); the regrades and the override of earlier are there.
      const newest = rows.slice(0, 3);
      assert.ok(newest.some((r) => /\| Alan Turing \(turing\) \| opened a terminal in a workspace \| Grace Hopper \(grace\) \|/.test(r)), newest.join('\n'));
      assert.ok(rows.some((r) => /\| regraded \|/.test(r)), 'the regrades are in it');
      assert.ok(rows.some((r) => /\| set a score by hand \|/.test(r)), 'the override is in it');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, Buffer.from('x'))), /NoPermissions|permission/i);
    });

    it("edits the c-sum rubric with Edit Rubric…: Grace's score follows each change and she is told it", async function () {
      const s = api.professor.session!;
      const grace = await row(assignment, /^Grace Hopper$/);
      const latest = (await s.model.getChildren(grace)).find((r) => r.kind === 'submission') as Extract<ClusterNode, { kind: 'submission' }>;
      assert.ok(latest, 'Grace has a submission');
      if (process.env.CLASSPOD_E2E_GRADER) await until("Grace's latest submission graded", () => s.cache.submission(latest.submissionId)?.status === 'graded');
      const before = await s.actions.rubric('cs101', 'c-sum');
      assert.ok(before.items.some((i) => i.id === 'style'), `the demo rubric has style: ${JSON.stringify(before.items)}`);
      const testsScore = s.cache.submission(latest.submissionId)?.score;
      /** Grace's score with `points` from the rubric, as the one rule makes it (kept within 0 and the maximum). */
      const scoreWith = (points: number): number | undefined => {
        const max = s.cache.submission(latest.submissionId)?.maxScore;
        return testsScore === undefined || max === undefined ? undefined : Math.min(max, Math.max(0, testsScore + points));
      };
      const gracesEvents: Array<ParamsOf<typeof ScoreChangedNotification.type>> = [];
      const graceEndpoint = await openEndpoint({ server: new URL(env('CLASSPOD_HUB_URL')), path: '/v1/connect', token: env('CLASSPOD_STUDENT_TOKEN'), capabilities: [], clientVersion: 'e2e', logger: silentLogger, timeoutMs: 30_000 });
      graceEndpoint.endpoint.onNotification(ScoreChangedNotification.type, (p) => gracesEvents.push(p));
      try {
        await vscode.commands.executeCommand('classpod.professor.applyRubric', latest, { itemIds: ['style'] });
        await until('style applied to Grace', () => s.cache.submission(latest.submissionId)?.rubricPoints === 5);

        // Change style's points: the hub rescores Grace's submission; staff and Grace hear the new score.
        const changed = (await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { kind: 'change', itemId: 'style', points: 8 })) as { items: Array<{ id: string; points: number }>; rescored: number };
        assert.ok(changed, 'the edit was saved');
        assert.equal(changed.rescored, 1, "Grace's submission is the one style is applied to");
        assert.equal(changed.items.find((i) => i.id === 'style')?.points, 8);
        await until("Grace's row has the new rubric points", () => s.cache.submission(latest.submissionId)?.rubricPoints === 8);
        assert.equal(s.cache.submission(latest.submissionId)?.score, scoreWith(8));
        await until('Grace is told her new score', () => gracesEvents.some((e) => e.submissionId === latest.submissionId && e.cause === 'rubric' && e.rubricPoints === 8));
        assert.match(describeRow(grace), /\(rubric \+8\)/);

        // Add a deduction, then remove style: it is unapplied and Grace's score loses it.
        const added = (await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { kind: 'add', description: 'Handles empty input', points: -3 })) as { items: Array<{ id: string; points: number; description: string }> };
        assert.deepEqual(added.items.at(-1), { id: 'handles-empty-input', points: -3, description: 'Handles empty input' });
        const removed = (await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { kind: 'remove', itemId: 'style' })) as { items: Array<{ id: string }>; rescored: number };
        assert.equal(removed.rescored, 1);
        assert.ok(!removed.items.some((i) => i.id === 'style'));
        await until("style is gone from Grace's score", () => s.cache.submission(latest.submissionId)?.rubricPoints === undefined);
        assert.equal(s.cache.submission(latest.submissionId)?.score, scoreWith(0));
        const hub = await s.actions.rubric('cs101', 'c-sum');
        assert.deepEqual(hub.items.map((i) => i.id), [...before.items.map((i) => i.id).filter((id) => id !== 'style'), 'handles-empty-input']);
        assert.equal(hub.appliedTo.style, undefined);
        const { rubric } = await graceEndpoint.endpoint.request(GetSubmissionRubricRequest.type, { submissionId: latest.submissionId });
        assert.deepEqual(rubric.applied, [], 'Grace reads a rubric with nothing applied');

        // Bad input from the command's arguments is refused by the command, and the hub keeps its rubric.
        assert.equal(await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { kind: 'add', description: '  ', points: 1 }), undefined);
        assert.equal(await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { items: [{ id: 'a', points: 1e9, description: 'x' }] }), undefined);
        assert.deepEqual((await s.actions.rubric('cs101', 'c-sum')).items, hub.items);

        // The whole rubric back as it was (the list form of the arguments).
        const restored = (await vscode.commands.executeCommand('classpod.professor.editRubric', assignment, { items: before.items })) as { items: unknown[] };
        assert.deepEqual(restored.items, before.items);
        const { entries } = await (await s.connection.ready()).request(ListAuditRequest.type, { courseId: 'cs101' });
        assert.ok(entries.filter((e) => e.action === 'rubric.set').length >= 4, 'each edit is audit-logged');
      } finally {
        graceEndpoint.endpoint.close(1000, 'done');
      }
    });

    it('shows a professor of another course nothing of this one', async function () {
      const subId = adaLatest.submissionId;
      await signIn(env('CLASSPOD_OTHER_PROFESSOR_TOKEN'));
      const session = api.professor.session!;
      const top = await session.model.getChildren();
      assert.deepEqual(top.map(label), ['Cluster', 'Theory of Computation']);
      await assert.rejects(() => session.actions.regrade({ kind: 'assignment', courseId: 'cs101', assignmentId: 'c-sum' }), /not a member of course cs101/);
      await assert.rejects(() => session.actions.files.get(subId, 'sum.c'), /not a member of course cs101|you may see only/);
      await assert.rejects(() => session.actions.starterFiles('cs101', 'c-sum'), /not a member of course cs101/);
      await assert.rejects(() => session.actions.auditLog('cs101'), /not a member of course cs101/);
      await assert.rejects(() => session.actions.overrideScore(subId, 0, 'no'), /only the staff of course cs101|not a member of course cs101/);
      // Edit Rubric… on cs101's c-sum from another course: the hub refuses, and c-sum's rubric stays.
      const cSum = { kind: 'assignment', id: 'assignment:cs101/c-sum', courseId: 'cs101', assignmentId: 'c-sum' } as unknown as ClusterNode;
      assert.equal(await vscode.commands.executeCommand('classpod.professor.editRubric', cSum, { items: [] }), undefined);
      await assert.rejects(() => session.actions.setRubric('cs101', 'c-sum', []), /not a member of course cs101|only professors of course cs101/);
      const prof = await connectAsProfessor();
      try {
        assert.ok((await prof.endpoint.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items.length > 0, "c-sum's rubric is as it was");
      } finally {
        prof.endpoint.close(1000, 'done');
      }
    });
  });
}
