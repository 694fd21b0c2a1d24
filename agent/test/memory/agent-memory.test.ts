// What an agent holds while nobody works, seen from outside its process: an
// agent nobody opened a terminal in has not loaded node-pty (its native addon
// is not mapped), the first terminal loads it; and started with --expose-gc
// (as the hub starts it), the agent collects its garbage once a quiet time has
// followed the last request, which its /metrics counts. Memory figures
// themselves are measured in bench/memory, not asserted here.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FileStatRequest, TerminalCloseRequest, TerminalOpenRequest } from '@classpod/protocol';
import { waitFor } from '@classpod/test-support';
import { agentCommandPath } from '../../src';
import { cleanup, client, collect, defer, openConnection, tempDir, TOKEN } from '../helpers';

/** Whether the process has node-pty's native addon mapped. */
const ptyLoaded = (pid: number): boolean => readFileSync(`/proc/${pid}/maps`, 'utf8').includes('pty.node');

/** Start the agent with Node options before its script, as the hub's local provider does. */
async function agentWith(nodeOptions: string[]): Promise<{ pid: number; url: string }> {
  const root = path.join(tempDir('classpod-agent-memory-'), 'workspace');
  mkdirSync(root, { recursive: true });
  const child = spawn(process.execPath, [...nodeOptions, agentCommandPath(), '--root', root], {
    env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN, CLASSPOD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  defer(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)\n/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the agent exited with ${code}`)));
  });
  return { pid: child.pid!, url };
}

const releases = async (url: string): Promise<number> => {
  const m = /^classpod_agent_memory_releases_total (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text());
  assert.ok(m, 'the agent reports classpod_agent_memory_releases_total');
  return Number(m[1]);
};

describe('agent memory while nobody works (real agent process)', function () {
  this.timeout(120_000);
  afterEach(cleanup);

  it('loads node-pty only with the first terminal', async () => {
    const agent = await agentWith([]);
    const conn = await openConnection(`${agent.url.replace(/^http/, 'ws')}/v1/connect`);
    await conn.endpoint.hello({ capabilities: ['files', 'terminals'], client });
    await conn.endpoint.request(FileStatRequest.type, { path: '.' });
    assert.equal(ptyLoaded(agent.pid), false, 'an agent without terminals has not loaded node-pty');
    const opened = await conn.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'echo hello'], cols: 80, rows: 24 });
    assert.match(await collect(conn.endpoint.openStream(opened.streamId)).waitFor((t) => t.includes('hello')), /hello/);
    assert.equal(ptyLoaded(agent.pid), true);
    await conn.endpoint.request(TerminalCloseRequest.type, { terminalId: opened.terminalId }).catch(() => undefined);
    conn.ws.close();
  });

  it('collects its garbage once a quiet time followed the last request, with --expose-gc', async () => {
    const agent = await agentWith(['--expose-gc']);
    assert.equal(await releases(agent.url), 0, 'nothing to give back before any work');
    const conn = await openConnection(`${agent.url.replace(/^http/, 'ws')}/v1/connect`);
    await conn.endpoint.hello({ capabilities: ['files'], client });
    await conn.endpoint.request(FileStatRequest.type, { path: '.' });
    await waitFor('a collection after the quiet time', async () => ((await releases(agent.url)) >= 1 ? true : undefined));
    conn.ws.close();
  });
});
