// From the attacker's side: a worker whose sandbox the grading policy does not
// name (`none` is a plain process with the worker's rights) must never make an
// official grade. Against a real hub: the real `classpod-grader --sandbox none`
// process is refused, naming the policy, and exits; a hand-driven connection
// that skips registration, lies in its report or lacks a toolchain gets
// nothing recorded. A worker the policy accepts leaves a grade record that
// says what produced the grade, exports as a file and reruns to a match.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProtocolError, SubmitRequest, type GradeRecordFile, type GradingPolicy, type WorkerIdentity } from '@classpod/protocol';
import { setUpCourseFolder } from '../../src/admin/course-setup';
import { HUB_CLI } from '../support/hub-process';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import { bestSandbox, gradeJob, TestWorkerConnection, testWorkerIdentity } from '../support/test-worker';

const GRADER_BIN = resolve(__dirname, '../../../../grader/bin');

describe('the grading policy', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let work: string;
  const workers: TestWorkerConnection[] = [];
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'classpod-policy-'));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) w.close();
    await t?.close();
    t = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  /** Alice hands in the demo C solution; resolves to the submission id. */
  const submitSolution = async (hub: TestHub): Promise<string> => {
    const dir = join(hub.dataDir, 'workspaces', 'cs101', 'alice', 'c-sum');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sum.c'), readFileSync(join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c')));
    const alice = await hub.connect('alice');
    return (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
  };
  const worker = async (hub: TestHub, identity?: WorkerIdentity | null): Promise<TestWorkerConnection> => {
    const w = await TestWorkerConnection.connect(hub.hub.url, hub.tokens.grader!, identity);
    workers.push(w);
    return w;
  };
  const refusalOf = async (p: Promise<unknown>): Promise<ProtocolError> => {
    try {
      await p;
    } catch (err) {
      assert.ok(ProtocolError.is(err, 'Forbidden'), `expected Forbidden, got ${String(err)}`);
      return err;
    }
    assert.fail('the hub accepted it');
  };

  it('refuses a real `classpod-grader --sandbox none` under the default policy, naming it, and records nothing', async () => {
    t = await startTestHub({ officialSandboxes: undefined }); // the hub's default: isolate
    const id = await submitSolution(t);
    const tokenFile = join(work, 'grader.token');
    writeFileSync(tokenFile, t.tokens.grader!);
    const child = spawn(
      process.execPath,
      [join(GRADER_BIN, 'classpod-grader'), '--hub', t.hub.url.replace(/^http/, 'ws') + '/v1/grader', '--token-file', tokenFile, '--sandbox', 'none', '--worker-id', 'hostile-none'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(timer);
    assert.equal(code, 1, `the worker did not stop on its refusal: ${stderr}`);
    assert.match(
      stderr,
      /the hub refused this worker: worker hostile-none grades in `none`, which is not a sandbox \(submissions would run with the worker's own rights\); this hub records official grades only from the sandbox isolate \(the deployment's grading policy\), so it gets no jobs/,
    );
    const s = (await t.hub.store.submissions.get(id))!;
    assert.equal(s.status, 'queued', 'the job was leased to the refused worker');
    assert.equal(s.rawScore, undefined);
    assert.deepEqual(await t.hub.store.gradeRecords.list(id), []);
    const [job] = await t.hub.store.jobs.of(id);
    assert.equal(job!.attempts, 0);
    assert.match(await t.hub.metrics.render(), /classpod_hub_grading_workers_refused_total\{sandbox="none"\} 1/);
  });

  it('gives nothing to a connection that skips registration or registers a sandbox the policy does not name', async () => {
    t = await startTestHub({ officialSandboxes: ['isolate'] });
    const id = await submitSolution(t);
    const w = await worker(t, null);
    const skipped = await refusalOf(w.lease(200));
    assert.match(skipped.message, /register this worker first \(grading\/register\): the hub leases jobs only for workers whose sandbox its grading policy names \(isolate\)/);
    const identity = await testWorkerIdentity('sneaky');
    const refused = await refusalOf(w.register({ ...identity, sandbox: { ...identity.sandbox, name: 'none', isolating: false } }));
    assert.deepEqual((refused.data as { policy: GradingPolicy }).policy, { officialSandboxes: ['isolate'], source: 'deployment' });
    await refusalOf(w.lease(200, 'sneaky', 'none'));
    assert.equal((await t.hub.store.submissions.get(id))!.status, 'queued');
    assert.deepEqual(await t.hub.store.gradeRecords.list(id), []);
  });

  it('records a grade from a worker the policy names, with what produced it, and the record file reruns to a match', async function () {
    t = await startTestHub();
    const id = await submitSolution(t);
    const w = await worker(t);
    const job = (await w.lease())!;
    assert.equal(job.submissionId, id);
    assert.match(job.snapshotHash!, /^[0-9a-f]{64}$/);
    const result = await gradeJob(job);
    assert.equal(await w.report(job, result), true);
    const [record, ...older] = await t.hub.store.gradeRecords.list(id);
    assert.equal(older.length, 0);
    assert.equal(record!.official, true);
    assert.equal(record!.status, 'graded');
    assert.equal(record!.workerId, 'test-worker');
    assert.equal(record!.sandbox, bestSandbox());
    assert.equal(record!.snapshotHash, job.snapshotHash);
    assert.equal(record!.specHash, result.specHash);
    assert.equal(record!.toolchainHash, result.provenance!.toolchainHash);
    assert.equal(record!.score, 100);
    assert.equal((JSON.parse(record!.workerJson) as WorkerIdentity).sandbox.name, bestSandbox());

    // The exported record holds the exact spec and files; classpod-grade reruns it.
    const file = join(work, 'RECORD.json');
    const exported = spawnSync(process.execPath, [HUB_CLI, 'record', 'export', '--data', t.dataDir, '--submission', id, '--out', file], { encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /grade record g_\S+ of submission \S+ \(official\) written to/);
    const recordFile = JSON.parse(readFileSync(file, 'utf8')) as GradeRecordFile;
    assert.equal(recordFile.official, true);
    assert.deepEqual(recordFile.files.map((f) => f.path), ['sum.c']);
    const rerun = spawnSync(process.execPath, [join(GRADER_BIN, 'classpod-grade'), '--rerun', file], { encoding: 'utf8' });
    assert.equal(rerun.status, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /^rerun MATCHED the record/);
  });

  it('refuses a result whose provenance does not match its lease, and leases the job again', async () => {
    t = await startTestHub();
    const id = await submitSolution(t);
    const w = await worker(t);
    const job = (await w.lease())!;
    const result = await gradeJob(job);
    const forged = { ...result, provenance: { ...result.provenance!, snapshotHash: 'f'.repeat(64) } };
    await assert.rejects(w.report(job, forged), (err: unknown) => ProtocolError.is(err, 'Conflict') && /graded on snapshot f{64}, not the submission's/.test((err as Error).message));
    const bare = { ...result };
    delete bare.provenance;
    const again = (await w.lease())!;
    assert.equal(again.jobId, job.jobId, 'the refused result put the job back in the queue');
    await assert.rejects(w.report(again, bare), /carries no provenance/);
    assert.deepEqual(await t.hub.store.gradeRecords.list(id), []);
    const third = (await w.lease())!;
    assert.equal(await w.report(third, await gradeJob(third)), true);
    assert.equal((await t.hub.store.gradeRecords.list(id)).length, 1);
  });

  it('lets a course narrow the policy: its jobs go only to the sandboxes both name, and a narrowed policy refuses a late report', async () => {
    t = await startTestHub({ officialSandboxes: [bestSandbox(), 'isolate'] });
    await t.hub.store.courses.setOfficialSandboxes('cs101', ['isolate']);
    const id = await submitSolution(t);
    const w = await worker(t);
    assert.equal(await w.lease(300), null, `a course that requires isolate had its job leased to a ${bestSandbox()} worker`);
    await t.hub.store.courses.setOfficialSandboxes('cs101', null);
    const job = (await w.lease(2000))!;
    assert.equal(job.submissionId, id);
    const result = await gradeJob(job);
    // The course asks for isolate while the job is being graded: the result is not recorded as official.
    await t.hub.store.courses.setOfficialSandboxes('cs101', ['isolate']);
    await assert.rejects(w.report(job, result), (err: Error) =>
      err.message.startsWith(
        `result not recorded: worker test-worker grades in \`${bestSandbox()}\`; this hub records official grades for course cs101 only from the sandbox isolate (the course cs101's grading policy)`,
      ),
    );
    assert.deepEqual(await t.hub.store.gradeRecords.list(id), []);
    assert.equal((await t.hub.store.submissions.get(id))!.rawScore, undefined);
  });

  it('reads a course policy from course.yaml and refuses a sandbox that is not one', async () => {
    t = await startTestHub();
    const folder = join(work, 'course');
    mkdirSync(folder);
    writeFileSync(join(folder, 'course.yaml'), 'id: cs303\ntitle: Strict\ngrading: { officialSandboxes: [isolate] }\n');
    await setUpCourseFolder(t.hub.store, t.hub.blobs, t.hub.context.resolveSpec, folder, new Date());
    assert.deepEqual(await t.hub.store.courses.officialSandboxes('cs303'), ['isolate']);
    assert.deepEqual(await t.hub.queue.policyFor('cs303'), { officialSandboxes: bestSandbox() === 'isolate' ? ['isolate'] : [], source: 'course' });
    writeFileSync(join(folder, 'course.yaml'), 'id: cs303\ntitle: Strict\ngrading: { officialSandboxes: [docker] }\n');
    await assert.rejects(setUpCourseFolder(t.hub.store, t.hub.blobs, t.hub.context.resolveSpec, folder, new Date()), /officialSandboxes/);
  });

  it('leases a job only to a worker with the toolchain of its language', async () => {
    t = await startTestHub();
    await submitSolution(t);
    const identity = await testWorkerIdentity('no-c');
    const noC = await worker(t, { ...identity, toolchains: identity.toolchains.map((tc) => (tc.language === 'c' ? { ...tc, available: false } : tc)) });
    assert.equal(await noC.lease(300), null, 'a C job went to a worker without gcc');
    const withC = await worker(t);
    assert.ok(await withC.lease(2000));
  });
});
