// The local provider with real agent child processes: confined by bubblewrap
// (only its own workspace writable, other workspaces invisible), restarted
// after a crash, stopped when idle and started again with its files kept.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalWorkspaceProvider } from '../../../src/workspaces/local/local-provider';
import { bubblewrapWorks, sandboxCommand } from '../../../src/workspaces/local/agent-sandbox';
import { agentReadyz } from '../../../src/workspaces/local/agent-process';
import { AGENT_NODE_OPTIONS } from '../../../src/workspaces/local/agent-node-options';
import type { WorkspaceStatus } from '../../../src/workspaces/workspace-provider';
import { testLogger } from '../../support/test-hub';
import { AGENT_SCRIPT } from '../../support/agent-program';
import { skipWithoutTool } from '@classpod/test-support';

const REPO = join(__dirname, '../../../../..');

/** Pids of the processes whose command line names `text` (the sandbox's bwrap processes name the workspace folder). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function requireBubblewrap(ctx: Mocha.Context): void {
  if (bubblewrapWorks()) return;
  skipWithoutTool(ctx, 'bubblewrap (apt package bubblewrap) is not installed or cannot create namespaces here');
}

describe('local workspace provider', function () {
  this.timeout(60_000);
  let dataDir: string;
  let provider: LocalWorkspaceProvider | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-local-provider-'));
  });
  afterEach(async () => {
    await provider?.dispose();
    provider = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('confines a workspace program: its own folder writable, other workspaces and the data folder invisible', function () {
    requireBubblewrap(this);
    const alice = join(dataDir, 'workspaces/cs101/alice');
    const bob = join(dataDir, 'workspaces/cs101/bob');
    mkdirSync(alice, { recursive: true });
    mkdirSync(bob, { recursive: true });
    writeFileSync(join(alice, 'mine.txt'), 'alice');
    writeFileSync(join(bob, 'secret.txt'), 'bob');
    const runDir = join(dataDir, 'run/cs101--alice');
    mkdirSync(runDir, { recursive: true });
    const probe = (script: string): { status: number | null; out: string } => {
      const cmd = sandboxCommand('bubblewrap', { workspaceDir: alice, runDir, dataDir, codeDirs: [REPO] }, ['/bin/sh', '-c', script]);
      const r = spawnSync(cmd.command, cmd.args, { encoding: 'utf8', timeout: 20_000 });
      return { status: r.status, out: (r.stdout + r.stderr).trim() };
    };
    assert.deepEqual(probe('cat /workspace/mine.txt'), { status: 0, out: 'alice' });
    assert.equal(probe('echo new > /workspace/new.txt').status, 0);
    assert.equal(readFileSync(join(alice, 'new.txt'), 'utf8'), 'new\n');
    assert.notEqual(probe(`cat ${join(bob, 'secret.txt')}`).status, 0, "another student's file is out of reach");
    assert.notEqual(probe(`ls ${join(dataDir, 'workspaces')}`).out.includes('bob'), true);
    assert.notEqual(probe('touch /usr/classpod-was-here').status, 0, 'the system is read-only');
    assert.notEqual(probe(`touch ${join(REPO, 'classpod-was-here')}`).status, 0, 'the code is read-only');
    assert.notEqual(probe('cat /etc/shadow').status, 0);
    assert.equal(probe('id -u').out, '1000');
  });

  it('starts an agent, restarts it after a crash, keeps its files', async () => {
    provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'auto' });
    await provider.start();
    const key = { courseId: 'cs101', studentId: 'alice' };
    const seen: WorkspaceStatus[] = [];
    provider.onStatus((s) => seen.push(s));
    const first = await provider.ensureRunning(key);
    assert.equal(await agentReadyz(first), 200);
    assert.equal((await provider.status(key)).state, 'running');
    writeFileSync(join(provider.workspaceDir(key), 'work.c'), 'int main(){}');

    const running = new Promise<void>((resolve) => provider!.onStatus((s) => s.state === 'running' && resolve()));
    const pid = (provider as unknown as { entries: Map<string, { process: { pid: number } }> }).entries.get('cs101--alice')!.process.pid;
    process.kill(pid, 'SIGKILL');
    await running;
    assert.ok(seen.some((s) => s.state === 'failed' && /agent exited/.test(s.reason ?? '')), JSON.stringify(seen));
    const second = await provider.ensureRunning(key);
    assert.notEqual(second.token, first.token, "a new run has a new token");
    assert.equal(await agentReadyz(second), 200);
    assert.equal(readFileSync(join(provider.workspaceDir(key), 'work.c'), 'utf8'), 'int main(){}');
  });

  it('runs every agent with the agent Node options (a small young generation, a collection once the work stops)', async () => {
    provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'auto' });
    await provider.start();
    const key = { courseId: 'cs101', studentId: 'alice' };
    await provider.ensureRunning(key);
    const agents = processesMentioning(AGENT_SCRIPT).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.endsWith('node')));
    assert.ok(agents.length >= 1, 'the agent process is found');
    for (const pid of agents) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const script = argv.indexOf(AGENT_SCRIPT);
      assert.deepEqual(argv.slice(script - AGENT_NODE_OPTIONS.length, script), [...AGENT_NODE_OPTIONS]);
    }
    assert.deepEqual([...AGENT_NODE_OPTIONS].sort(), ['--expose-gc', '--max-semi-space-size=1']);
  });

  for (const isolation of ['none', 'bubblewrap'] as const) {
    it(`gives a ${isolation === 'none' ? 'plain' : 'sandboxed'} agent the workspace as its home, not the hub account's (whose start-up files its shells would run)`, async function () {
      if (isolation === 'bubblewrap') requireBubblewrap(this);
      provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation });
      await provider.start();
      const key = { courseId: 'cs101', studentId: 'dana' };
      await provider.ensureRunning(key);
      const agents = processesMentioning(AGENT_SCRIPT).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.endsWith('node')));
      assert.ok(agents.length >= 1, 'the agent process is found');
      for (const pid of agents) {
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        const home = env.find((e) => e.startsWith('HOME='))?.slice('HOME='.length);
        assert.equal(home, isolation === 'none' ? provider.workspaceDir(key) : '/workspace');
      }
    });
  }

  it('stops an idle workspace and starts it again on the next connection, files kept', async () => {
    provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'auto', idleStopMs: 60_000 });
    await provider.start();
    const key = { courseId: 'cs101', studentId: 'bob' };
    const first = await provider.ensureRunning(key);
    writeFileSync(join(provider.workspaceDir(key), 'notes.txt'), 'keep me');
    assert.deepEqual(await provider.stopIdle(Date.now() + 1000), [], 'not idle yet');
    assert.deepEqual(await provider.stopIdle(Date.now() + 61_000), ['cs101--bob']);
    assert.equal((await provider.status(key)).state, 'stopped');
    assert.deepEqual(processesMentioning(dataDir), [], 'a stop resolves once every process of the workspace is gone');
    await assert.rejects(agentReadyz(first));
    const again = await provider.ensureRunning(key);
    assert.equal(await agentReadyz(again), 200);
    assert.equal(readFileSync(join(provider.workspaceDir(key), 'notes.txt'), 'utf8'), 'keep me');
    assert.deepEqual((await provider.list('cs101')).map((s) => [s.studentId, s.state]), [['bob', 'running']]);
  });

  it('starts one agent for concurrent connections to the same workspace', async () => {
    provider = new LocalWorkspaceProvider({ dataDir, logger: testLogger(), agentScript: AGENT_SCRIPT, isolation: 'auto' });
    await provider.start();
    const key = { courseId: 'cs101', studentId: 'carol' };
    const endpoints = await Promise.all([provider.ensureRunning(key), provider.ensureRunning(key), provider.ensureRunning(key)]);
    assert.equal(new Set(endpoints.map((e) => e.url)).size, 1);
  });
});
