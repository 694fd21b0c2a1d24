// The workspace's `classpod` command against a real hub on loopback, as a
// student who works in the terminal uses it: `classpod submit` inside an
// assignment hands in the workspace's folder and prints the hub's receipt
// (time, on time, the snapshot's hash); once a worker graded it, `classpod
// status` shows that score. Without a token, or with a wrong one, it says so.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classpodCommandPath } from '@classpod/agent';
import { FileReadRequest, ListSubmissionsRequest } from '@classpod/protocol';
import { startTestHub, type TestHub } from '../support/test-hub';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Run `classpod ARGS` in `cwd` as a child process (asynchronously: the hub answers from this process). */
function classpod(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [classpodCommandPath(), ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 120_000 }, (err, out, errOut) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, out: String(out), err: String(errOut) });
    });
  });
}

describe('the classpod command submits and shows scores through the hub', function () {
  this.timeout(180_000);
  let t: TestHub | undefined;
  let worker: TestWorkerConnection | undefined;
  let secrets: string;
  beforeEach(() => {
    secrets = mkdtempSync(join(tmpdir(), 'classpod-cli-token-'));
  });
  afterEach(async () => {
    worker?.close();
    worker = undefined;
    await t?.close();
    t = undefined;
    rmSync(secrets, { recursive: true, force: true });
  });

  /** A running workspace for alice with its files; returns its root folder. */
  async function aliceWorkspace(hub: TestHub): Promise<string> {
    const ws = await hub.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await ws.request(FileReadRequest.type, { path: 'c-sum/sum.c' });
    return join(hub.dataDir, 'workspaces', 'cs101', 'alice');
  }

  it('hands in the assignment you are in, prints the receipt, and status shows the graded score', async () => {
    t = await startTestHub();
    const root = await aliceWorkspace(t);
    const tokenFile = join(secrets, 'token');
    writeFileSync(tokenFile, t.tokens.alice + '\n', { mode: 0o600 });
    const env = { CLASSPOD_WORKSPACE: root, CLASSPOD_TOKEN_FILE: tokenFile };

    const before = await classpod(['status'], join(root, 'c-sum'), env);
    assert.equal(before.code, 0, before.err);
    assert.match(before.out, /\d\. c-sum: .*; not submitted\n/);

    const submitted = await classpod(['submit'], join(root, 'c-sum'), env);
    assert.equal(submitted.code, 0, submitted.err);
    const alice = await t.connect('alice');
    const [s] = (await alice.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submissions;
    assert.ok(s, 'the hub holds the submission');
    assert.match(submitted.out, new RegExp(`^submitted c-sum at \\d{4}-\\d\\d-\\d\\dT\\S+ \\(the hub's clock\\): on time\n`));
    assert.match(submitted.out, new RegExp(`snapshot ${s.snapshotHash}: ${s.fileCount} files?, `));
    assert.match(submitted.out, new RegExp(`submission ${s.id}: queued for grading`));

    worker = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    const job = await worker.lease();
    assert.ok(job, 'a grading job was queued');
    assert.equal(await worker.report(job, await gradeJob(job)), true);
    let graded = s;
    for (const deadline = Date.now() + 60_000; graded.status !== 'graded' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      graded = (await alice.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submissions[0]!;
    }
    assert.equal(graded.status, 'graded');
    assert.notEqual(graded.score, undefined);

    const after = await classpod(['status'], root, env);
    assert.equal(after.code, 0, after.err);
    assert.match(after.out, new RegExp(`\\d\\. c-sum: .*; latest submission graded: ${graded.score}/${graded.maxScore}\n`));
  });

  it('says why without a token, and refuses a wrong token with exit status 1', async () => {
    t = await startTestHub();
    const root = await aliceWorkspace(t);
    const noToken = await classpod(['status'], root, { CLASSPOD_WORKSPACE: root });
    assert.equal(noToken.code, 0, 'status still answers without the hub');
    assert.match(noToken.out, /scores: not shown \(no token: .*CLASSPOD_TOKEN_FILE/);
    const submitWithout = await classpod(['submit', 'c-sum'], root, { CLASSPOD_WORKSPACE: root });
    assert.equal(submitWithout.code, 1);
    assert.match(submitWithout.err, /^classpod: cannot submit: no token/);

    const wrong = await classpod(['submit', 'c-sum'], root, { CLASSPOD_WORKSPACE: root, CLASSPOD_TOKEN: 'cp_not-a-real-token-at-all' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /^classpod: the hub refused the token \(HTTP 401\)/);
    const alice = await t.connect('alice');
    assert.deepEqual((await alice.request(ListSubmissionsRequest.type, { courseId: 'cs101' })).submissions, [], 'nothing was handed in');
  });
});
