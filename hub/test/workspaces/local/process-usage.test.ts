// A local workspace's row shows the CPU and memory of its processes, read from /proc.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseProcStat, parseRssBytes, ProcessUsageSampler } from '../../../src/workspaces/local/process-usage';

describe('CPU and memory of a local workspace', function () {
  it('reads CPU ticks and start time from a stat line whose name holds spaces and parentheses', function () {
    const line = '4242 (node (agent) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 123456 1000000 2000 18446744073709551615';
    assert.deepEqual(parseProcStat(line), { cpuTicks: 300, startTicks: 123456 });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  it('reads the resident set from a status file', function () {
    assert.equal(parseRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nThreads:\t11\n'), 51200 * 1024);
    assert.equal(parseRssBytes('Name:\tkthreadd\n'), undefined);
  });

  it("measures a real process tree: a busy child's CPU counts, and memory is its resident set", async function () {
    if (!existsSync('/proc/self/stat')) {
      if (process.env.CI) throw new Error('/proc is missing on a CI machine');
      console.log('      skipped: no /proc on this machine');
      return this.skip();
    }
    // A parent that starts a child spinning for CPU: the child is in the parent's tree.
    const parent = spawn(process.execPath, ['-e', "require('child_process').spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }); setInterval(() => {}, 1000)"], { stdio: 'ignore', detached: true });
    try {
      const sampler = new ProcessUsageSampler();
      const pid = parent.pid!;
      assert.ok(sampler.sample(pid), 'a reading of a live process');
      // Poll until the spinning child has used CPU since the last reading (generous deadline, no timing assertion).
      const deadline = Date.now() + 60_000;
      let reading = sampler.sample(pid)!;
      while ((reading.cpuMillicores < 100 || reading.memoryBytes < 1024 * 1024) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        reading = sampler.sample(pid)!;
      }
      assert.ok(reading.cpuMillicores >= 100, `the busy child's CPU counts (${reading.cpuMillicores}m)`);
      assert.ok(reading.memoryBytes >= 1024 * 1024, `the tree's resident memory counts (${reading.memoryBytes} bytes)`);
    } finally {
      // Parent and child share a process group of their own: end both.
      try {
        process.kill(-parent.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('has no reading for a process that is gone', function () {
    assert.equal(new ProcessUsageSampler().sample(2 ** 22 + 12345), undefined);
  });
});
