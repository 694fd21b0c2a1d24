// Idle means nobody works: a real hub with real agents, and a client connected
// through the gateway the way the extension is. An open connection that only
// pings and looks around does not keep its workspace running; terminal input
// and edits do; a test run longer than the idle time is never cut.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec, publicSpec } from '@classpod/grader';
import { FileStatRequest, FileWriteRequest, PingRequest, RunPublicTestsRequest, TerminalInputRequest, TerminalOpenRequest, WORKSPACE_PAUSED_CLOSE_CODE } from '@classpod/protocol';
import { skipWithoutTool } from '@classpod/test-support';
import { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';
import type { WorkspaceState } from '../../src/workspaces/workspace-provider';
import { DEMO_COURSE_DIR, startTestHub, testLogger, type TestHub } from '../support/test-hub';
import { AGENT_SCRIPT } from '../support/agent-program';
import type { TestClient } from '../support/test-client';

/** The course's idle time in these tests (seconds). */
const IDLE_SECONDS = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('idle workspaces (real hub, real agents)', function () {
  this.timeout(180_000);
  let dataDir: string;
  let t: TestHub | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-idle-'));
    const provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'none', idleCheckMs: 200 });
    t = await startTestHub({ dataDir, provider });
    await t.hub.store.courses.setIdleStopSeconds('cs101', IDLE_SECONDS);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const alice = { courseId: 'cs101', studentId: 'alice' };
  const state = async (): Promise<WorkspaceState> => (await t!.hub.provider.status(alice)).state;
  /** Connect through the gateway like the extension and wait until the workspace runs. */
  const connect = async (): Promise<TestClient> => {
    const c = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    assert.equal(await state(), 'running');
    return c;
  };
  /** Wait (generously) until the workspace is stopped. */
  const untilStopped = async (): Promise<void> => {
    const deadline = Date.now() + 90_000;
    while ((await state()) !== 'stopped') {
      if (Date.now() > deadline) throw new Error(`the workspace is still ${await state()} after 90 s`);
      await sleep(200);
    }
  };

  it('stops a workspace whose client stays connected, pinging and looking around, but does nothing', async () => {
    const c = await connect();
    const closed = new Promise<[number, string]>((resolve) => c.ws.once('close', (code, reason) => resolve([code, reason.toString()])));
    let polling = true;
    const poll = (async () => {
      // What an open editor does on its own: pings and status requests.
      while (polling && c.ws.readyState === c.ws.OPEN) {
        await c.request(PingRequest.type, { payload: 'still here' }).catch(() => undefined);
        await c.request(FileStatRequest.type, { path: '.' }).catch(() => undefined);
        await sleep(300);
      }
    })();
    await untilStopped();
    polling = false;
    await poll;
    // Told why, so that it waits for the student instead of starting the workspace again at once.
    assert.deepEqual(await closed, [WORKSPACE_PAUSED_CLOSE_CODE, 'workspace paused after 1 min idle']);
  });

  it('keeps a workspace running while someone types in its terminal or edits files, and stops it after', async () => {
    const c = await connect();
    const { terminalId } = await c.request(TerminalOpenRequest.type, { cols: 80, rows: 24 });
    // Type for three idle times, then edit for three more: the workspace stays up all along.
    for (const end = Date.now() + 3 * IDLE_SECONDS * 1000; Date.now() < end; ) {
      await c.request(TerminalInputRequest.type, { terminalId, data: ':\r' });
      assert.equal(await state(), 'running', 'terminal input is activity');
      await sleep(500);
    }
    let n = 0;
    for (const end = Date.now() + 3 * IDLE_SECONDS * 1000; Date.now() < end; ) {
      await c.request(FileWriteRequest.type, { path: 'notes.txt', contentBase64: Buffer.from(`edit ${(n += 1)}\n`).toString('base64') });
      assert.equal(await state(), 'running', 'an edit is activity');
      await sleep(500);
    }
    await untilStopped();
  });

  it('never cuts a test run longer than the idle time', async function () {
    if (spawnSync('python3', ['--version']).error) skipWithoutTool(this, 'python3 is not installed');
    const c = await connect();
    // One public test whose program takes three idle times before it answers.
    const spec = publicSpec(loadSpec(join(DEMO_COURSE_DIR, 'assignments/py-primes/grading/spec.yaml')));
    const group = spec.groups[0]!;
    group.tests = group.tests.slice(0, 1).map((x) => ({ ...x, limits: { ...x.limits, wallMs: 120_000 } }));
    const folder = join(dataDir, 'workspaces/cs101/alice/slow');
    mkdirSync(join(folder, '.classpod/tests'), { recursive: true });
    writeFileSync(join(folder, '.classpod/tests/spec.json'), JSON.stringify(spec));
    writeFileSync(join(folder, 'primes.py'), `import time\ntime.sleep(${3 * IDLE_SECONDS})\nprint(4)\nprint(17)\n`);
    const run = c.endpoint.request(RunPublicTestsRequest.type, { path: 'slow' }, { timeoutMs: 150_000 });
    const { result } = await run;
    assert.deepEqual(result.tests.map((x) => [x.name, x.verdict]), [['small', 'AC']], 'the run finished in the workspace');
    await untilStopped();
  });
});
