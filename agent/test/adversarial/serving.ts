// Test fixture: the check every attack on the agent's server ends with. The
// agent process is still alive, /healthz answers 200, and a real client can
// connect, do the handshake, ping and read a file. `attackCase` makes a test
// of an attack that ends with it.

import assert from 'node:assert/strict';
import { FileReadRequest, PingRequest } from '@classpod/protocol';
import { client, openConnection } from '../helpers';
import type { AgentProcess } from '../process';

/** The agent is alive, healthy, and serves a real client (handshake, ping, reading `hw/a.txt`, which holds `mine\n`). */
export async function assertServing(agent: AgentProcess): Promise<void> {
  assert.equal(agent.child.exitCode, null, `the agent exited; its log ends with:\n${agent.stderr().slice(-3000)}`);
  assert.equal(agent.child.signalCode, null, 'the agent was killed');
  const health = await fetch(`${agent.url}/healthz`);
  assert.equal(health.status, 200, '/healthz answers 200');
  const conn = await openConnection(agent.connectUrl);
  try {
    await conn.endpoint.hello({ capabilities: [], client });
    const pong = await conn.endpoint.request(PingRequest.type, { payload: 'still there?' });
    assert.equal(pong.payload, 'still there?');
    const read = await conn.endpoint.request(FileReadRequest.type, { path: 'hw/a.txt' });
    assert.equal(Buffer.from(read.contentBase64, 'base64').toString(), 'mine\n');
  } finally {
    conn.ws.terminate();
  }
}

/** A test named `name`: the attack `fn`, then the agent (the one `agent()` names when the test runs) must still be serving. */
export function attackCase(name: string, agent: () => AgentProcess, fn: () => Promise<void>): void {
  it(name, async () => {
    await fn();
    await assertServing(agent());
  });
}
