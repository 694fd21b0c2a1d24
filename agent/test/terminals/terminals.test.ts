import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  ProtocolError,
  TerminalAttachRequest,
  TerminalCloseRequest,
  TerminalExitedNotification,
  TerminalInputRequest,
  TerminalListRequest,
  TerminalOpenRequest,
  TerminalResizeRequest,
} from '@classpod/protocol';
import { cleanup, collect, nextNotification, startTestAgent, type Connection, type TestAgent } from '../helpers';

const bash = { shell: '/bin/bash', args: ['--norc', '--noprofile'], env: { PS1: '$ ' }, cols: 80, rows: 24 };

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('terminals', () => {
  let t: TestAgent;
  let c: Connection;
  beforeEach(async () => {
    t = await startTestAgent({ scrollbackBytes: 4 * 1024 * 1024 });
    c = await t.connect();
  });
  afterEach(cleanup);

  it('runs a shell that echoes what is typed, on the stream and through terminals/input', async () => {
    mkdirSync(path.join(t.root, 'hw1'));
    const opened = await c.endpoint.request(TerminalOpenRequest.type, { ...bash, cwd: 'hw1' });
    assert.equal(opened.offset, 0);
    const stream = c.endpoint.openStream(opened.streamId);
    const out = collect(stream);
    stream.write('echo typed-$((6*7)) && pwd\r');
    await out.waitFor((s) => s.includes('typed-42') && s.includes(path.join(t.root, 'hw1')));
    await c.endpoint.request(TerminalInputRequest.type, { terminalId: opened.terminalId, data: 'echo req-$((2+3))\r' });
    await out.waitFor((s) => s.includes('req-5'));
  });

  it('erases a whole multi-byte character on backspace', async () => {
    const opened = await c.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'read x; echo "[$x]"'], cols: 80, rows: 24 });
    const stream = c.endpoint.openStream(opened.streamId);
    const out = collect(stream);
    stream.write('é\x7fa\r');
    const text = await out.waitFor((s) => /\[.*\]/.test(s));
    assert.match(text, /\[a\]/);
  });

  it('resizes, lists and closes a terminal, telling its client why it ended', async () => {
    const opened = await c.endpoint.request(TerminalOpenRequest.type, bash);
    const stream = c.endpoint.openStream(opened.streamId);
    const out = collect(stream);
    await c.endpoint.request(TerminalResizeRequest.type, { terminalId: opened.terminalId, cols: 100, rows: 30 });
    stream.write('stty size\r');
    await out.waitFor((s) => s.includes('30 100'));

    const { terminals } = await c.endpoint.request(TerminalListRequest.type, {});
    assert.equal(terminals.length, 1);
    assert.equal(terminals[0]!.terminalId, opened.terminalId);
    assert.equal(terminals[0]!.attachments, 1);
    assert.deepEqual([terminals[0]!.cols, terminals[0]!.rows], [100, 30]);

    const exited = nextNotification<{ reason: string; terminalId: string }>(c.endpoint, TerminalExitedNotification.type);
    await c.endpoint.request(TerminalCloseRequest.type, { terminalId: opened.terminalId });
    assert.deepEqual(await exited.then((e) => [e.terminalId, e.reason]), [opened.terminalId, 'closed']);
    assert.equal(await out.ended, 'closed');
    assert.ok(processGone(terminals[0]!.pid));
    assert.deepEqual((await c.endpoint.request(TerminalListRequest.type, {})).terminals, []);
    await assert.rejects(c.endpoint.request(TerminalInputRequest.type, { terminalId: opened.terminalId, data: 'x' }), (e: ProtocolError) => ProtocolError.is(e, 'NotFound'));
  });

  it('reports the exit code of a program that ends', async () => {
    const exited = nextNotification<{ exitCode: number; reason: string; offset: number }>(c.endpoint, TerminalExitedNotification.type);
    const opened = await c.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'printf done; exit 3'], cols: 80, rows: 24 });
    const out = collect(c.endpoint.openStream(opened.streamId));
    const e = await exited;
    assert.equal(e.exitCode, 3);
    assert.equal(e.reason, 'exited');
    await out.ended;
    assert.equal(out.text(), 'done');
    assert.equal(e.offset, 4);
  });

  it('gives a client that reconnects the output it missed exactly once, then the live stream', async () => {
    const lines = 100_000;
    const opened = await c.endpoint.request(TerminalOpenRequest.type, {
      shell: '/bin/sh',
      args: ['-c', `seq 1 ${lines}; read answer; echo "after:$answer"`],
      cols: 80,
      rows: 24,
    });
    const first = collect(c.endpoint.openStream(opened.streamId));
    // Disconnect abruptly while output is flowing.
    await first.waitFor((s) => s.includes('\n2000\r\n'));
    c.ws.terminate();
    const received = first.bytes();
    assert.ok(!received.toString().includes(`\n${lines}\r\n`), 'disconnected before the output ended');

    const c2 = await t.connect();
    const attached = await c2.endpoint.request(TerminalAttachRequest.type, { terminalId: opened.terminalId, fromOffset: received.length });
    assert.equal(attached.offset, received.length, 'the scrollback still held every missed byte');
    const second = collect(c2.endpoint.openStream(attached.streamId));
    await second.waitFor((s) => s.includes(`\n${lines}\r\n`) || s.startsWith(`${lines}\r\n`));
    c2.endpoint.openStream(attached.streamId).write('yes\r');
    await second.waitFor((s) => s.includes('after:yes'));

    const all = Buffer.concat([received, second.bytes()]).toString();
    const numbers = all.split('\r\n').filter((l) => /^\d+$/.test(l)).map(Number);
    assert.equal(numbers.length, lines, 'every line arrived once');
    assert.ok(numbers.every((n, i) => n === i + 1), 'in order, without duplicates or gaps');
  });

  it('lets a client collect the last output of a program that ended while it was away', async () => {
    const opened = await c.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'read x; echo "bye $x"'], cols: 80, rows: 24 });
    const stream = c.endpoint.openStream(opened.streamId);
    const first = collect(stream);
    c.ws.terminate();
    await first.ended;
    const c2 = await t.connect();
    await c2.endpoint.request(TerminalInputRequest.type, { terminalId: opened.terminalId, data: 'now\r' });
    // Wait until it ended: the listing says so.
    let ended = false;
    while (!ended) {
      const { terminals } = await c2.endpoint.request(TerminalListRequest.type, {});
      ended = terminals[0]?.exitCode === 0;
    }
    const exited = nextNotification<{ exitCode: number }>(c2.endpoint, TerminalExitedNotification.type);
    const attached = await c2.endpoint.request(TerminalAttachRequest.type, { terminalId: opened.terminalId, fromOffset: 0 });
    const out = collect(c2.endpoint.openStream(attached.streamId));
    assert.equal((await exited).exitCode, 0);
    await out.ended;
    assert.match(out.text(), /bye now/);
    assert.deepEqual((await c2.endpoint.request(TerminalListRequest.type, {})).terminals, [], 'handed over, then released');
  });

  it('closes a terminal no client attached to after the idle timeout', async () => {
    const idle = await startTestAgent({ terminalIdleTimeoutMs: 300 });
    const c1 = await idle.connect();
    const opened = await c1.endpoint.request(TerminalOpenRequest.type, bash);
    const pid = (await c1.endpoint.request(TerminalListRequest.type, {})).terminals[0]!.pid;
    c1.ws.terminate();
    const c2 = await idle.connect();
    let count = 1;
    while (count > 0) count = (await c2.endpoint.request(TerminalListRequest.type, {})).terminals.length;
    assert.ok(processGone(pid), 'its process is gone');
    await assert.rejects(c2.endpoint.request(TerminalAttachRequest.type, { terminalId: opened.terminalId }), (e: ProtocolError) => ProtocolError.is(e, 'NotFound'));
  });

  it('keeps an attached terminal open past the idle timeout', async () => {
    const idle = await startTestAgent({ terminalIdleTimeoutMs: 100 });
    const c1 = await idle.connect();
    const opened = await c1.endpoint.request(TerminalOpenRequest.type, bash);
    const stream = c1.endpoint.openStream(opened.streamId);
    const out = collect(stream);
    await new Promise((r) => setTimeout(r, 400));
    stream.write('echo still-$((1+1))\r');
    await out.waitFor((s) => s.includes('still-2'));
  });

  it('lets go of a reader that stopped, so the others keep receiving output', async () => {
    const slow = await startTestAgent({ slowReaderTimeoutMs: 200 });
    const stalled = await slow.connect();
    const opened = await stalled.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'yes'], cols: 80, rows: 24 });
    // This client never reads its stream, like a connection that died without closing.
    stalled.endpoint.openStream(opened.streamId);
    const reader = await slow.connect();
    const attached = await reader.endpoint.request(TerminalAttachRequest.type, { terminalId: opened.terminalId });
    let received = 0;
    await new Promise<void>((resolve) =>
      reader.endpoint.openStream(attached.streamId).onData((chunk) => {
        received += chunk.byteLength;
        if (received > 8 * 1024 * 1024) resolve();
      }),
    );
    const { terminals } = await reader.endpoint.request(TerminalListRequest.type, {});
    assert.equal(terminals[0]!.attachments, 1, 'only the reader is still attached');
  });

  it('refuses a program that does not exist, naming it', async () => {
    await assert.rejects(
      c.endpoint.request(TerminalOpenRequest.type, { shell: '/no/such/shell', cols: 80, rows: 24 }),
      (e: ProtocolError) => ProtocolError.is(e, 'InvalidParams') && e.message.includes('/no/such/shell'),
    );
    await assert.rejects(
      c.endpoint.request(TerminalOpenRequest.type, { shell: 'no-such-program-anywhere', cols: 80, rows: 24 }),
      (e: ProtocolError) => ProtocolError.is(e, 'InvalidParams'),
    );
    assert.deepEqual((await c.endpoint.request(TerminalListRequest.type, {})).terminals, []);
  });

  it('never hands the agent token to a terminal', async () => {
    process.env.CLASSPOD_AGENT_TOKEN = 'should-not-leak-0123456789';
    try {
      const opened = await c.endpoint.request(TerminalOpenRequest.type, bash);
      const stream = c.endpoint.openStream(opened.streamId);
      const out = collect(stream);
      stream.write(`printf 'tok%s=[%s] ws=[%s]\\n' en "$CLASSPOD_AGENT_TOKEN" "$CLASSPOD_WORKSPACE"\r`);
      const text = await out.waitFor((s) => /token=\[.*\] ws=\[.+\]/.test(s));
      assert.match(text, /token=\[\] ws=\[/);
    } finally {
      delete process.env.CLASSPOD_AGENT_TOKEN;
    }
  });
});
