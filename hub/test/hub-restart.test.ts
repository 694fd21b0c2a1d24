// The hub killed without warning and started again on the same data folder:
// in the middle of grading, and across a deadline. Nothing is lost and nothing
// is graded (recorded) twice.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSubmissionRequest, ListAssignmentsRequest, ListSubmissionsRequest, ListVersionsRequest, StartWorkspaceRequest, SubmitRequest } from '@classpod/protocol';
import { HubProcess, hubCli as runHubCli, tokenFrom } from './support/hub-process';
import { DATABASE_TARGETS, hubDatabase } from './support/databases';
import { DEMO_COURSE_DIR } from './support/test-hub';
import { TestClient } from './support/test-client';
import { gradeJob, TestWorkerConnection } from './support/test-worker';

for (const target of DATABASE_TARGETS) describe(`the hub killed and restarted (${target.name})`, function () {
  this.timeout(120_000);
  let dataDir = '';
  let env: NodeJS.ProcessEnv = {};
  let db: { drop(): Promise<void> } | undefined;
  const running: HubProcess[] = [];
  const closers: Array<() => void> = [];
  let tokens: Record<string, string>;

  beforeEach(async function () {
    const database = await hubDatabase(this, target);
    db = database;
    env = database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {};
    const hubCli = (args: string[]): string => runHubCli(args, env);
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-restart-'));
    hubCli(['course', 'create', '--data', dataDir, '--from', DEMO_COURSE_DIR]);
    tokens = {};
    for (const s of ['alice', 'bob']) {
      hubCli(['people', 'add', '--data', dataDir, '--id', s, '--name', s, '--course', 'cs101', '--role', 'student']);
      tokens[s] = tokenFrom(hubCli(['tokens', 'issue', '--data', dataDir, '--person', s]));
    }
    hubCli(['people', 'add', '--data', dataDir, '--id', 'prof', '--name', 'Prof', '--course', 'cs101', '--role', 'professor']);
    tokens.prof = tokenFrom(hubCli(['tokens', 'issue', '--data', dataDir, '--person', 'prof']));
    tokens.grader = tokenFrom(hubCli(['tokens', 'issue', '--data', dataDir, '--grader']));
  });

  afterEach(async () => {
    for (const c of closers.splice(0)) c();
    for (const h of running.splice(0)) await h.kill();
    // A test skipped for want of its database made no folder.
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = '';
    await db?.drop();
    db = undefined;
  });

  const start = async (args: string[] = []): Promise<HubProcess> => {
    const h = await HubProcess.start(dataDir, args, env);
    running.push(h);
    return h;
  };
  const connect = async (url: string, who: string): Promise<TestClient> => {
    const c = await TestClient.connect(url, tokens[who]);
    closers.push(() => c.close());
    return c;
  };
  const worker = async (url: string): Promise<TestWorkerConnection> => {
    const w = await TestWorkerConnection.connect(url, tokens.grader!);
    closers.push(() => w.close());
    return w;
  };
  /** A student's folder for an assignment, as the local provider keeps it. */
  const writeWork = (student: string, assignment: string, file: string, from: string): void => {
    const dir = join(dataDir, 'workspaces', 'cs101', student, assignment);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), readFileSync(from));
  };

  it('records a result leased before the crash exactly once', async () => {
    writeWork('alice', 'c-sum', 'sum.c', join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c'));
    let hub = await start();
    const alice = await connect(hub.url, 'alice');
    const submission = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    const w1 = await worker(hub.url);
    const job = await w1.lease();
    assert.ok(job);
    assert.equal(job.submissionId, submission.id);
    const result = await gradeJob(job);

    await hub.kill();
    hub = await start();

    // The same worker comes back and reports under its lease.
    const w2 = await worker(hub.url);
    assert.equal(await w2.report(job, result), true);
    assert.equal(await w2.report(job, result), false, 'a second report of the same lease is not recorded');
    assert.equal(await w2.lease(300), null, 'nothing is left to grade');
    const prof = await connect(hub.url, 'prof');
    const after = (await prof.request(GetSubmissionRequest.type, { submissionId: submission.id })).submission;
    assert.equal(after.status, 'graded');
    assert.equal(after.score, after.maxScore);
  });

  it('leases a job again when its worker vanished with the hub, and ignores the vanished lease', async () => {
    writeWork('bob', 'c-sum', 'sum.c', join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c'));
    let hub = await start(['--lease-ms', '1500']);
    const bob = await connect(hub.url, 'bob');
    const submission = (await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    const vanished = await (await worker(hub.url)).lease();
    assert.ok(vanished);

    await hub.kill();
    hub = await start(['--lease-ms', '1500']);
    const w = await worker(hub.url);
    const again = await w.lease(20_000, 'second-worker');
    assert.ok(again, 'the expired lease put the job back in the queue');
    assert.equal(again.jobId, vanished.jobId);
    assert.notEqual(again.leaseId, vanished.leaseId);
    const beat = setInterval(() => void w.heartbeat(again).catch(() => undefined), 300);
    const result = await gradeJob(again).finally(() => clearInterval(beat));
    assert.equal(await w.report(vanished, result), false, 'the vanished lease is not recorded');
    assert.equal(await w.report(again, result), true);
    const prof = await connect(hub.url, 'prof');
    const all = (await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101' })).submissions;
    assert.deepEqual(all.map((s) => [s.id, s.status]), [[submission.id, 'graded']]);
  });

  it('collects at a deadline that passed while it was down, once, stamped with the due time', async () => {
    // An assignment due a little while from now.
    const folder = mkdtempSync(join(tmpdir(), 'classpod-soon-'));
    closers.push(() => rmSync(folder, { recursive: true, force: true }));
    cpSync(join(DEMO_COURSE_DIR, 'assignments/c-sum'), folder, { recursive: true });
    writeFileSync(join(folder, 'assignment.yaml'), 'title: Due soon\nopens: -1h\ndue: +30s\n');
    runHubCli(['assignment', 'add', '--data', dataDir, '--course', 'cs101', '--folder', folder, '--id', 'due-soon'], env);
    writeWork('alice', 'due-soon', 'sum.c', join(DEMO_COURSE_DIR, 'assignments/c-sum/starter/sum.c'));
    writeWork('bob', 'due-soon', 'sum.c', join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c'));

    let hub = await start();
    const prof0 = await connect(hub.url, 'prof');
    const dueAt = (await prof0.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'due-soon')!.dueAt!;
    // Each student's workspace runs once before the due time, and the hub records their folder as a version.
    for (const s of ['alice', 'bob']) {
      const c = await connect(hub.url, s);
      await c.request(StartWorkspaceRequest.type, { courseId: 'cs101', studentId: s });
      const deadline = Date.now() + 25_000;
      while ((await c.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'due-soon' })).versions.length === 0) {
        assert.ok(Date.now() < deadline, `no version of ${s}'s folder was recorded`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await hub.kill();
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(dueAt) - Date.now()) + 500));
    hub = await start();
    const prof = await connect(hub.url, 'prof');
    const collected = (await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'due-soon' })).submissions;
    const list = (): string[] => collected.map((s) => `${s.studentId}:${s.source}`).sort();
    assert.deepEqual(list(), ['alice:collected', 'bob:collected']);
    for (const s of collected) {
      assert.equal(s.submittedAt, dueAt, 'a collected snapshot carries the due time it stands for, not the time the hub came back');
      assert.equal(s.late, false);
    }
    await hub.kill();
    hub = await start();
    const prof2 = await connect(hub.url, 'prof');
    assert.deepEqual(
      (await prof2.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'due-soon' })).submissions.map((s) => s.studentId).sort(),
      ['alice', 'bob'],
      'a second start collects nothing more',
    );
  });
});
