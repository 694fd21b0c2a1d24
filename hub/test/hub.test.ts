// A student's whole journey through a real hub: connect, the workspace starts
// (a real agent child process, sandboxed when bubblewrap works), the files
// arrive, the student writes the solution and submits, a worker grades it with
// the grader engine, and the score event reaches the student and the professor.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FileListRequest,
  FileReadRequest,
  FileWriteRequest,
  GetResultRequest,
  ListAssignmentsRequest,
  SubmitRequest,
  WhoAmIRequest,
} from '@classpod/protocol';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from './support/test-hub';
import { createSandbox, GradingWorker, type Sandbox } from '@classpod/grader';
import { bestSandbox } from './support/test-worker';
import { testLogger } from './support/test-hub';
import { AGENT_SCRIPT } from './support/agent-program';
import { DATABASE_TARGETS, hubDatabase } from './support/databases';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LocalWorkspaceProvider } from '../src/workspaces/local/local-provider';
import type { WorkspaceProvider } from '../src/workspaces/workspace-provider';

describe('a student works on an assignment through the hub', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let worker: GradingWorker | undefined;
  let sandbox: Sandbox | undefined;

  const folders: string[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await worker?.stop(1000);
    await sandbox?.dispose();
    sandbox = undefined;
    await t?.close();
    await dropDatabase?.();
    dropDatabase = undefined;
    t = undefined;
    worker = undefined;
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  });

  for (const target of DATABASE_TARGETS) it(`connects, gets the starter files, submits, and sees the score arrive (${target.name})`, async function () {
    const db = await hubDatabase(this, target);
    dropDatabase = () => db.drop();
    t = await startTestHub({ isolation: 'auto', databaseUrl: db.databaseUrl });
    const alice = await t.connect('alice');
    const prof = await t.connect('prof');
    const bob = await t.connect('bob');
    const olga = await t.connect('olga');
    const me = await alice.request(WhoAmIRequest.type, {});
    assert.equal(me.personId, 'alice');
    assert.deepEqual(me.courses, [{ courseId: 'cs101', role: 'student' }]);

    const list = await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' });
    assert.deepEqual(list.assignments.map((a) => [a.id, a.state]), [
      ['c-sum', 'not started'],
      ['cpp-wordfreq', 'not started'],
      ['py-primes', 'not started'],
    ]);

    // The workspace, through the gateway: the agent's own methods.
    const ws = await t.connect('alice', '/v1/workspaces/cs101--alice/connect');
    const root = await ws.request(FileListRequest.type, { path: '.' });
    assert.deepEqual(root.entries.map((e) => e.name).filter((n) => !n.startsWith('.classpod-')), ['.classpod', 'c-sum', 'cpp-wordfreq', 'py-primes']);
    const starter = await ws.request(FileReadRequest.type, { path: 'c-sum/sum.c' });
    assert.equal(Buffer.from(starter.contentBase64, 'base64').toString(), readFileSync(join(DEMO_COURSE_DIR, 'assignments/c-sum/starter/sum.c'), 'utf8'));
    const info = JSON.parse(Buffer.from((await ws.request(FileReadRequest.type, { path: 'c-sum/.classpod/assignment.json' })).contentBase64, 'base64').toString());
    assert.equal(info.courseId, 'cs101');
    assert.equal(info.dueAt, list.assignments[0]!.dueAt);
    const spec = JSON.parse(Buffer.from((await ws.request(FileReadRequest.type, { path: 'c-sum/.classpod/tests/spec.json' })).contentBase64, 'base64').toString());
    assert.ok(spec.groups.every((g: { tests: Array<{ public: boolean }> }) => g.tests.every((x) => x.public)), 'only public tests reach the workspace');
    assert.ok(spec.hidden.tests > 0);

    await prof.waitForEvent('events/workspaceStatusChanged', (p) => (p.workspace as { workspaceId: string; state: string }).state === 'running');
    assert.equal((await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments[0]!.state, 'not started', 'untouched starter files');

    // The student writes the solution in the workspace and submits.
    const solution = readFileSync(join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c'));
    await ws.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: solution.toString('base64') });
    assert.equal((await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments[0]!.state, 'in progress');
    const submitted = await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.equal(submitted.submission.late, false);
    assert.equal(submitted.submission.status, 'queued');
    assert.equal(submitted.submission.source, 'submitted');
    await prof.waitForEvent('events/submissionAdded', (p) => (p.submission as { id: string }).id === submitted.submission.id);

    // The grader package's own worker, with the best sandbox this machine has.
    sandbox = createSandbox(bestSandbox() as 'local' | 'none');
    worker = new GradingWorker({ hubUrl: t.hub.url.replace(/^http/, 'ws') + '/v1/grader', token: t.tokens.grader!, sandbox });
    worker.start();
    const score = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === submitted.submission.id);
    assert.equal(score.cause, 'graded');
    assert.equal(score.score, score.maxScore);
    assert.ok((score.maxScore as number) > 0);
    await prof.waitForEvent('events/scoreChanged', (p) => p.submissionId === submitted.submission.id);
    assert.deepEqual([...bob.events, ...olga.events], [], "another student and another course's professor hear nothing of alice's work");

    const result = (await alice.request(GetResultRequest.type, { submissionId: submitted.submission.id })).result;
    assert.equal(result.status, 'graded');
    assert.ok(result.tests.length > 0 && result.tests.every((x) => x.verdict === 'AC'), 'verdict codes, as the grader gave them');
    const hidden = result.tests.filter((x) => !x.public);
    assert.ok(hidden.length > 0);
    assert.ok(hidden.every((x) => x.message === undefined && x.timeMs === undefined), 'students get no details of hidden tests');
    assert.ok(hidden.every((x) => x.name === undefined && x.group === undefined), 'nor their names, unless the assignment shows them');
    assert.deepEqual(hidden.map((x) => x.hiddenIndex), hidden.map((_x, i) => i + 1));
    assert.equal(result.hiddenTests, hidden.length);
    assert.equal(result.counts, true);
    const staffView = (await prof.request(GetResultRequest.type, { submissionId: submitted.submission.id })).result;
    assert.ok(staffView.tests.filter((x) => !x.public).every((x) => typeof x.message === 'string' && typeof x.name === 'string'), 'staff see everything');

    const after = await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' });
    assert.equal(after.assignments[0]!.state, 'graded');
    assert.equal(after.assignments[0]!.score, score.score);
  });

  it('writes the layout and takes the snapshot through the agent, with a provider that has no local folders', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-nofiles-'));
    folders.push(dataDir);
    const local = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'none' });
    // The same provider without `exists`, as the Kubernetes provider is: the hub can only ask the agents.
    const remote = Object.create(local, { exists: { value: undefined } }) as WorkspaceProvider;
    assert.equal(remote.exists, undefined);
    t = await startTestHub({ dataDir, provider: remote });
    const bob = await t.connect('bob');
    const ws = await t.connect('bob', '/v1/workspaces/cs101--bob/connect');
    const spec = await ws.request(FileReadRequest.type, { path: 'py-primes/.classpod/tests/spec.json' });
    assert.ok(JSON.parse(Buffer.from(spec.contentBase64, 'base64').toString()).hidden.tests > 0, 'the layout was written through the agent');
    const solution = readFileSync(join(DEMO_COURSE_DIR, 'assignments/c-sum/solution/sum.c'));
    await ws.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: solution.toString('base64') });
    const s = (await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    const files = await t.hub.blobs.manifest(s.snapshotHash);
    assert.deepEqual(files.map((f) => f.path), ['sum.c'], 'the snapshot leaves .classpod/ out');
    assert.equal((await t.hub.blobs.get(files[0]!.sha256)).toString(), solution.toString());
  });
});
