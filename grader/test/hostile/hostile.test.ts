// The hostile suite: programs that try to escape, exhaust or outlive the
// `local` sandbox each get the right verdict, nothing they start outlives
// their run, and the next run is unaffected.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildCache, gradeSubmission, loadSpec, type GradingSpec } from '../../src';
import { LocalSandbox } from '../../src/sandboxes/local-sandbox';
import { uidHeldByOther } from '../../src/sandboxes/uid-claims';
import { requireLocalSandbox } from '../sandbox-availability';
import { DEMO_ASSIGNMENTS } from '../temp-dir';
import { HOSTILE, type HostileProgram } from './hostile-programs';
import { TIME_SCALE } from '../time-scale';

/** Processes running as a uid the sandbox used, zombies (already dead, waiting to be reaped) left out. */
function boxProcesses(): string[] {
  const uids = sandbox.usedUids;
  const out = execFileSync('ps', ['-eo', 'uid=,pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const [uid, , stat] = l.split(/\s+/);
      // Another grader on this machine (a second test run, an agent) may have claimed the uid since: its runs are its own.
      return uids.has(Number(uid)) && !/^[ZX]/.test(stat ?? '') && uidHeldByOther(Number(uid)) === null;
    });
}

/**
 * The box processes still there once the kernel had time to finish the ones
 * killed at the end of the run (a program killed while writing a large file
 * can take a moment to leave on a loaded machine): polled, so a process that
 * really outlives its run is still reported, 10 s later.
 */
async function leftoverBoxProcesses(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let left = boxProcesses();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = boxProcesses();
  }
  return left;
}

let sandbox: LocalSandbox;


describe('hostile submissions under local', function () {
  this.timeout(60000);
  const work = path.join(os.tmpdir(), `classpod-hostile-${process.pid}`);
  const marker = `classpod-escape-${process.pid}`;
  let cache: BuildCache;
  let server: net.Server;
  let port = 0;
  let connections = 0;

  before(async function () {
    requireLocalSandbox(this);
    mkdirSync(work, { recursive: true });
    // The stress script gives its runs a uid range of their own, away from other graders on the machine.
    const uidBase = Number(process.env.CLASSPOD_TEST_UID_BASE) || undefined;
    sandbox = new LocalSandbox({ tmpDir: work, ...(uidBase ? { uidBase } : {}) });
    cache = new BuildCache(path.join(work, 'cache'));
    server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });

  after(async () => {
    await sandbox?.dispose();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(work, { recursive: true, force: true });
    rmSync(path.join('/tmp', marker), { force: true });
  });

  function specFor(p: HostileProgram, args: string[]): GradingSpec {
    return {
      version: 1,
      language: 'c',
      sources: ['main.c'],
      files: [],
      groups: [
        {
          name: 'hostile',
          scoring: 'sum',
          points: 1,
          tests: [
            {
              name: p.name,
              public: true,
              stdin: '',
              args,
              expectedStdout: p.stdout ?? '',
              expectedFiles: [],
              weight: 1,
              limits: { timeMs: 1000 * TIME_SCALE, wallMs: (p.limits?.wallMs ?? 2000) * TIME_SCALE, memoryKb: 64 * 1024, processes: 4, outputKb: 1024, fileSizeKb: 1024 },
              compare: { mode: 'exact' },
            },
          ],
        },
      ],
    };
  }

  async function grade(p: HostileProgram, args: string[] = []) {
    const dir = path.join(work, p.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.c'), p.source);
    const result = await gradeSubmission(specFor(p, args), dir, { sandbox, buildCache: cache });
    assert.equal(result.compile.status, 'OK', result.compile.output);
    return result.tests[0]!;
  }

  for (const p of HOSTILE) {
    it(`${p.name}: ${p.verdict}, and nothing outlives the run`, async () => {
      let args: string[] = [];
      let otherBox: Awaited<ReturnType<LocalSandbox['openBox']>> | null = null;
      if (p.name === 'write-outside-the-box') args = [path.join(work, `${marker}-host`), path.join('/tmp', marker)];
      if (p.name === 'read-secrets') {
        otherBox = await sandbox.openBox();
        writeFileSync(path.join(otherBox.dir, 'secret.txt'), 'another student');
        const expected = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'tests', 'large.out');
        args = [path.join(otherBox.dir, 'secret.txt'), expected, cache.root, '/proc/1/environ'];
      }
      if (p.name === 'open-sockets') args = [String(port), firstExternalAddress()];
      try {
        const t = await grade(p, args);
        // The stress script (scripts/stress-hostile.mjs) collects every run's verdicts from here.
        if (process.env.CLASSPOD_HOSTILE_RECORD) {
          appendFileSync(process.env.CLASSPOD_HOSTILE_RECORD, JSON.stringify({ name: p.name, expected: p.verdict, verdict: t.verdict, message: t.message }) + '\n');
        }
        assert.equal(t.verdict, p.verdict, `${t.message}\n${t.diff ?? ''}`);
      } finally {
        await otherBox?.dispose();
      }
      assert.deepEqual(await leftoverBoxProcesses(), []);
      if (p.name === 'write-outside-the-box') {
        assert.equal(existsSync(path.join('/tmp', marker)), false, 'the box’s /tmp is private');
        assert.equal(existsSync(path.join(work, `${marker}-host`)), false);
        assert.equal(existsSync('/usr/bin/classpod-escape') || existsSync('/classpod-escape'), false);
      }
      if (p.name === 'open-sockets') assert.equal(connections, 0, 'no connection reached the host');
    });
  }

  it('grades the next submission normally after all of them', async () => {
    const loaded = loadSpec(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml'));
    const scaled = (l: GradingSpec['groups'][number]['tests'][number]['limits']) => ({ ...l, timeMs: l.timeMs * TIME_SCALE, wallMs: l.wallMs * TIME_SCALE });
    const spec: GradingSpec = { ...loaded, groups: loaded.groups.map((g) => ({ ...g, tests: g.tests.map((t) => ({ ...t, limits: scaled(t.limits) })) })) };
    const r = await gradeSubmission(spec, path.join(DEMO_ASSIGNMENTS, 'c-sum', 'solution'), { sandbox, buildCache: cache });
    assert.equal(r.score, r.maxScore);
    assert.deepEqual(await leftoverBoxProcesses(), []);
  });
});

/** A non-loopback address of this machine (reachable from the host, not from a box). */
function firstExternalAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '10.255.255.1';
}
