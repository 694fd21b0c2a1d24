// Floods that used to grow the agent's memory without bound, from the
// attacker's side, against a real agent process: readStreams that never get
// credit, one sync/get that names a large file many times, sync/gets that pile
// up unread. Each must be refused with a TooLarge naming its limit, the agent
// must not read what it will not send, and once the client leaves the
// agent's resident memory must come back to (a generous margin above) where
// it was. Memory is polled with a deadline; nothing here times anything.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FileReadStreamRequest, ProtocolError, SyncGetRequest, SyncOpenRequest } from '@classpod/protocol';
import { cleanup, client, collect, openConnection, tempDir, type Connection } from '../helpers';
import { spawnAgent, type AgentProcess } from '../process';
import { attackCase } from './serving';

const MiB = 1024 * 1024;
/** How far above its baseline the agent's memory may stay once the client left. */
const RSS_MARGIN = 64 * MiB;

/** Bytes the process read through read(2) and friends so far (/proc/PID/io `rchar`). */
function bytesRead(pid: number): number {
  return Number(/^rchar:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

/** Poll until the agent's resident memory is within the margin of `baseline`; fail with the last reading at the deadline. */
async function rssBackTo(agent: AgentProcess, baseline: number, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let now = agent.rss();
  while (now > baseline + RSS_MARGIN) {
    if (Date.now() > until) {
      assert.fail(`the agent kept ${((now - baseline) / MiB).toFixed(0)} MiB above its baseline of ${(baseline / MiB).toFixed(0)} MiB after the client left`);
    }
    await new Promise((r) => setTimeout(r, 250));
    now = agent.rss();
  }
}

/** What the agent holds for its clients now, from its /metrics. */
async function bufferedBytes(agent: AgentProcess): Promise<number> {
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  const m = /^classpod_agent_buffered_bytes (\d+)$/m.exec(text);
  assert.ok(m, 'the agent reports classpod_agent_buffered_bytes');
  return Number(m[1]);
}

function limitOf(err: unknown): string | undefined {
  return ProtocolError.is(err) ? (err.data as { limit?: string } | undefined)?.limit : undefined;
}

describe('memory floods from the attacker’s side (real agent process)', function () {
  this.timeout(180_000);
  let agent: AgentProcess;
  let root: string;
  let bigHash: string;

  /** A connection after the handshake; its streams never get credit unless the test opens them. */
  const connect = async (): Promise<Connection> => {
    const conn = await openConnection(agent.connectUrl);
    await conn.endpoint.hello({ capabilities: [], client });
    return conn;
  };

  /** Run the agent's paths once so that loading code does not count as growth; the resident memory after. */
  const warmBaseline = async (): Promise<number> => {
    const conn = await connect();
    const { streamId } = await conn.endpoint.request(FileReadStreamRequest.type, { path: 'hw/big.bin' });
    const got = collect(conn.endpoint.openStream(streamId));
    await got.ended;
    assert.equal(got.bytes().byteLength, 4 * MiB);
    const { replicaId } = await conn.endpoint.request(SyncOpenRequest.type, { root: 'hw' });
    const small = await conn.endpoint.request(SyncGetRequest.type, { replicaId, files: [{ path: 'big.bin', hash: bigHash }] });
    await collect(conn.endpoint.openStream(small.streamId)).ended;
    conn.ws.terminate();
    await new Promise((r) => setTimeout(r, 500));
    return agent.rss();
  };

  beforeEach(async () => {
    root = path.join(tempDir('classpod-memory-attack-'), 'workspace');
    mkdirSync(path.join(root, 'hw'), { recursive: true });
    writeFileSync(path.join(root, 'hw/a.txt'), 'mine\n');
    const big = randomBytes(4 * MiB);
    writeFileSync(path.join(root, 'hw/big.bin'), big);
    bigHash = createHash('sha256').update(big).digest('hex');
    agent = await spawnAgent(['--root', root]);
  });
  afterEach(cleanup);
  /** A case: the attack, then the agent must still be serving. */
  const attack = (name: string, fn: () => Promise<void>): void => attackCase(name, () => agent, fn);

  attack('refuses readStreams past the open-stream limit, holds no more than its buffer limit, and gives the memory back', async () => {
    const baseline = await warmBaseline();
    const conn = await connect();
    // In waves of 50, under the limit of requests in progress, so that the stream limit is what refuses.
    const answers: PromiseSettledResult<unknown>[] = [];
    for (let wave = 0; wave < 6; wave++) {
      answers.push(
        ...(await Promise.allSettled(Array.from({ length: 50 }, () => conn.endpoint.request(FileReadStreamRequest.type, { path: 'hw/big.bin' })))),
      );
    }
    const opened = answers.filter((a) => a.status === 'fulfilled').length;
    const refusals = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    assert.ok(opened >= 1 && opened <= 64, `${opened} streams were opened; the default limit is 64`);
    assert.equal(refusals.length, 300 - opened);
    for (const r of refusals) {
      assert.ok(ProtocolError.is(r, 'TooLarge'), `refused with TooLarge, not ${String(r)}`);
      assert.equal(limitOf(r), 'maxOpenStreams', (r as Error).message);
      assert.match((r as Error).message, /open streams/);
    }
    // Whenever it is looked at while the client stays, the agent holds no more than its limits allow.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const held = await bufferedBytes(agent);
      assert.ok(held <= 32 * MiB, `the agent holds ${(held / MiB).toFixed(1)} MiB for one client`);
      assert.ok(agent.rss() < baseline + 2 * RSS_MARGIN, `the agent grew by ${((agent.rss() - baseline) / MiB).toFixed(0)} MiB for one client`);
    }
    conn.ws.terminate();
    await rssBackTo(agent, baseline);
  });

  attack('refuses a sync/get naming a 4 MiB file 120 times before reading it, and gives the memory back', async () => {
    const baseline = await warmBaseline();
    const conn = await connect();
    const { replicaId } = await conn.endpoint.request(SyncOpenRequest.type, { root: 'hw' });
    const before = bytesRead(agent.pid);
    const err = await conn.endpoint
      .request(SyncGetRequest.type, { replicaId, files: Array.from({ length: 120 }, () => ({ path: 'big.bin', hash: bigHash })) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(ProtocolError.is(err, 'TooLarge'), `refused with TooLarge, not ${String(err)}`);
    assert.equal(limitOf(err), 'maxRequestBytes', (err as Error).message);
    const read = bytesRead(agent.pid) - before;
    assert.ok(read < 4 * MiB, `the agent read ${(read / MiB).toFixed(1)} MiB before refusing; it must not read the file at all`);
    conn.ws.terminate();
    await rssBackTo(agent, baseline);
  });

  attack('refuses sync/gets that pile up unread at the connection’s buffer limit, and gives the memory back', async () => {
    const baseline = await warmBaseline();
    const conn = await connect();
    const { replicaId } = await conn.endpoint.request(SyncOpenRequest.type, { root: 'hw' });
    // 12 MiB each, under the per-request limit; nobody reads the streams.
    const files = Array.from({ length: 3 }, () => ({ path: 'big.bin', hash: bigHash }));
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 20 && refusal === undefined; i++) {
      await conn.endpoint.request(SyncGetRequest.type, { replicaId, files }).then(
        () => accepted++,
        (e: unknown) => (refusal = e),
      );
    }
    assert.ok(accepted >= 1, 'the first sync/get is served');
    assert.ok(ProtocolError.is(refusal, 'TooLarge'), `refused with TooLarge, not ${String(refusal)}`);
    assert.equal(limitOf(refusal), 'maxBufferedBytes', (refusal as Error).message);
    assert.ok(accepted <= 3, `${accepted} packs of 12 MiB were queued unread; the default buffer limit is 32 MiB`);
    conn.ws.terminate();
    await rssBackTo(agent, baseline);
  });
});
