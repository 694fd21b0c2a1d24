import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { TerminalListRequest, TerminalOpenRequest } from '@classpod/protocol';
import { cleanup, collect, openConnection, client, tempDir } from '../helpers';
import { spawnAgent } from '../process';

describe('terminal flood', function () {
  // Starts processes; a loaded machine makes that slow.
  this.timeout(120_000);
  afterEach(cleanup);

  it('keeps the agent memory bounded and other terminals responsive while two terminals flood', async () => {
    const root = path.join(tempDir(), 'ws');
    mkdirSync(root);
    const agent = await spawnAgent(['--root', root]);
    const { endpoint } = await openConnection(agent.connectUrl);
    await endpoint.hello({ capabilities: [], client });
    const baseline = agent.rss();

    // A client that never reads: `yes` must be held back by the stream's credit.
    const stalled = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'yes'], cols: 80, rows: 24 });
    endpoint.openStream(stalled.streamId);
    // A client that reads everything: output flows as fast as the connection allows.
    const flowing = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'cat /dev/urandom | base64'], cols: 80, rows: 24 });
    let flowed = 0;
    endpoint.openStream(flowing.streamId).onData((c) => (flowed += c.byteLength));

    const shell = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/bash', args: ['--norc', '--noprofile'], cols: 80, rows: 24 });
    const shellStream = endpoint.openStream(shell.streamId);
    const shellOut = collect(shellStream);

    let peak = baseline;
    let echoes = 0;
    const target = 32 * 1024 * 1024;
    while (flowed < target || echoes < 5) {
      peak = Math.max(peak, agent.rss());
      // Another terminal still answers while the flood goes on.
      shellStream.write(`echo ok-$((${echoes}+1000))\r`);
      const expected = `ok-${echoes + 1000}`;
      await shellOut.waitFor((s) => s.includes(`${expected}\r\n`));
      echoes++;
      await new Promise((r) => setTimeout(r, 50));
    }
    peak = Math.max(peak, agent.rss());
    const growthMiB = (peak - baseline) / 1024 / 1024;
    process.stdout.write(`      flowed ${(flowed / 1024 / 1024).toFixed(0)} MiB; ${echoes} echoes; agent RSS ${(baseline / 1048576).toFixed(0)} → peak ${(peak / 1048576).toFixed(0)} MiB\n`);
    const { terminals } = await endpoint.request(TerminalListRequest.type, {});
    const heldBack = terminals.find((x) => x.terminalId === stalled.terminalId)!.offset;
    assert.ok(echoes >= 3, 'the third terminal echoed during the flood');
    // `yes` was paused once its unread output filled the client's window and the agent's threshold.
    assert.ok(heldBack < 4 * 1024 * 1024, `the unread terminal produced ${heldBack} bytes while ${flowed} flowed elsewhere`);
    assert.ok(growthMiB < 64, `agent memory grew by ${growthMiB.toFixed(0)} MiB while ${(flowed / 1048576).toFixed(0)} MiB flowed`);
  });
});
