#!/usr/bin/env node
// Grader benchmarks, each against a baseline measured in the same run:
//  1. sandbox overhead per test run: a trivial static C program run under
//     `none` and `local`, beside a bare child_process.spawn of the same binary
//     (ratio and milliseconds);
//  2. timing spread: one CPU-bound program graded 50 times with each run
//     pinned to one core (taskset) and 50 times unpinned; the spread of its
//     measured CPU and wall time (min, median, max, standard deviation) for
//     each, the unpinned run being the baseline;
//  3. throughput: a 20-test C assignment graded for 100 distinct submissions
//     with two gradings at once (this machine's two cores).
// Usage: node bench/grader/run.mjs [--runs N] [--spread-runs N] [--submissions N] [--sandbox local|none]
// Build first (npm run build). Prints one line per measurement and a JSON summary.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const grader = require('../../grader/dist/src/index.js');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    'spread-runs': { type: 'string', default: '50' },
    submissions: { type: 'string', default: '100' },
    'budget-s': { type: 'string', default: '150' },
    sandbox: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const SUBMISSIONS = Number(values.submissions);
const work = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-grader-'));
const summary = {};

function localAvailable() {
  try {
    grader.createSandbox('local').dispose();
    return true;
  } catch (err) {
    console.log(`local sandbox unavailable: ${err.message}`);
    return false;
  }
}

function bareRun(binary) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    child.stdin.end('');
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', resolve);
  });
}

async function timeEach(n, fn) {
  await fn(); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1e6 / n;
}

const limits = { timeMs: 1000, wallMs: 5000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 };

async function overhead() {
  const src = path.join(work, 'trivial.c');
  const binary = path.join(work, 'trivial');
  writeFileSync(src, 'int main(void) { return 0; }\n');
  const cc = spawnSync('gcc', ['-O2', '-static', '-o', binary, src], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
  const bare = await timeEach(RUNS, () => bareRun(binary));
  console.log(`bare spawn of a static C binary: ${bare.toFixed(2)} ms per run (${RUNS} runs)`);
  summary.bareMs = round(bare);
  const names = ['none', ...(localAvailable() ? ['local'] : [])];
  for (const name of names) {
    const sandbox = grader.createSandbox(name);
    const box = await sandbox.openBox();
    copyFileSync(binary, path.join(box.dir, 'trivial'));
    const ms = await timeEach(RUNS, async () => {
      const o = await box.run({ argv: ['./trivial'], stdin: '', limits, addressSpaceLimit: true });
      if (o.exitCode !== 0) throw new Error(`${name}: ${o.systemError ?? o.exitCode}`);
    });
    await box.dispose();
    await sandbox.dispose();
    console.log(`${name}: ${ms.toFixed(2)} ms per run, ${(ms / bare).toFixed(2)}× bare, +${(ms - bare).toFixed(2)} ms overhead`);
    summary[`${name}Ms`] = round(ms);
    summary[`${name}Ratio`] = round(ms / bare);
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { min: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1], sd, spread: sorted[sorted.length - 1] - sorted[0] };
}

async function spread() {
  const sandboxName = values.sandbox ?? (localAvailable() ? 'local' : 'none');
  const n = Number(values['spread-runs']);
  const dir = path.join(work, 'spread');
  mkdirSync(dir);
  // About 200 ms of arithmetic, the same every run (GNU time reports CPU time in 10 ms steps).
  writeFileSync(path.join(dir, 'spin.c'), '#include <stdio.h>\nint main(void){ volatile unsigned long x = 0; for (unsigned long i = 0; i < 300000000UL; i++) x += i ^ (x >> 3); puts(x ? "done" : "done!"); return 0; }\n');
  const spec = grader.parseSpec(['language: c', 'sources: [spin.c]', 'limits: { timeMs: 5000 }', 'tests:', '  - { name: spin, stdin: "", stdout: "done\\n" }', ''].join('\n'), {
    file: 'spread.yaml',
    baseDir: dir,
  });
  const sandbox = grader.createSandbox(sandboxName);
  const cache = new grader.BuildCache(path.join(work, 'spread-cache'));
  const measure = async (pinCores) => {
    const cpu = [];
    const wall = [];
    const cores = new Set();
    for (let i = 0; i < n; i++) {
      // One run per grading: the spread shown is the sandbox's, not the median of repeats.
      const r = await grader.gradeSubmission(spec, dir, { sandbox, buildCache: cache, pinCores, timing: { maxRuns: 1 } });
      const t = r.tests[0];
      if (r.systemError) throw new Error(`spread run failed: ${t.message}`);
      cpu.push(t.timeMs);
      wall.push(t.wallMs);
      const c = r.provenance.tests[0].runs[0].cpu;
      if (c !== null) cores.add(c);
    }
    return { cpu: stats(cpu), wall: stats(wall), cores: [...cores].sort() };
  };
  await grader.gradeSubmission(spec, dir, { sandbox, buildCache: cache }); // build once, warm up
  const results = {};
  for (const pinCores of [false, true]) {
    const m = await measure(pinCores);
    results[pinCores ? 'pinned' : 'unpinned'] = m;
    const f = (s) => `min ${s.min.toFixed(0)}, median ${s.median.toFixed(0)}, max ${s.max.toFixed(0)}, sd ${s.sd.toFixed(1)} ms`;
    console.log(`timing spread (${sandboxName}, ${n} runs, ${pinCores ? `pinned to core ${m.cores.join(', ')}` : 'not pinned'}): CPU ${f(m.cpu)}; wall ${f(m.wall)}`);
  }
  await sandbox.dispose();
  const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : a > 0 ? 'more (unpinned had none)' : 'the same (none)');
  console.log(
    `timing spread, pinned vs unpinned: CPU sd ${ratio(results.pinned.cpu.sd, results.unpinned.cpu.sd)}, wall sd ${ratio(results.pinned.wall.sd, results.unpinned.wall.sd)} (below 1: pinning steadies the measurement)`,
  );
  Object.assign(summary, {
    spreadSandbox: sandboxName,
    spreadRuns: n,
    unpinnedCpuSdMs: round(results.unpinned.cpu.sd),
    pinnedCpuSdMs: round(results.pinned.cpu.sd),
    unpinnedWallSdMs: round(results.unpinned.wall.sd),
    pinnedWallSdMs: round(results.pinned.wall.sd),
    unpinnedCpuSpreadMs: round(results.unpinned.cpu.spread),
    pinnedCpuSpreadMs: round(results.pinned.cpu.spread),
  });
}

async function throughput() {
  const sandboxName = values.sandbox ?? (localAvailable() ? 'local' : 'none');
  const tests = Array.from({ length: 20 }, (_, i) => {
    const n = (i + 1) * 50;
    const nums = Array.from({ length: n }, (_, k) => (k * 7919 + i) % 1000);
    return { name: `t${i + 1}`, stdin: `${n}\n${nums.join(' ')}\n`, stdout: `${nums.reduce((a, b) => a + b, 0)}\n` };
  });
  const spec = grader.parseSpec(
    ['language: c', 'sources: [sum.c]', 'limits: { timeMs: 1000, memoryMb: 64 }', 'tests:', ...tests.map((t) => `  - ${JSON.stringify(t)}`), ''].join('\n'),
    { file: 'bench.yaml', baseDir: work },
  );
  const submissions = Array.from({ length: SUBMISSIONS }, (_, i) => {
    const dir = path.join(work, `submission-${i}`);
    mkdirSync(dir);
    // Distinct sources, so every submission is compiled (no build reuse across students).
    writeFileSync(
      path.join(dir, 'sum.c'),
      `/* student ${i} */\n#include <stdio.h>\nint main(void){ long n, x, s = 0; if (scanf("%ld", &n) != 1) return 1; while (n-- > 0 && scanf("%ld", &x) == 1) s += x; printf("%ld\\n", s); return 0; }\n`,
    );
    return dir;
  });
  const sandbox = grader.createSandbox(sandboxName);
  const cache = new grader.BuildCache(path.join(work, 'cache'));
  const parallel = Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  let next = 0;
  let perfect = 0;
  let graded = 0;
  const started = Date.now();
  const deadline = started + Number(values['budget-s']) * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      // On a busy machine the run stops at its time budget and reports the rate it reached.
      while (next < submissions.length && Date.now() < deadline) {
        const dir = submissions[next++];
        const r = await grader.gradeSubmission(spec, dir, { sandbox, buildCache: cache });
        if (r.score === r.maxScore) perfect++;
        graded++;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  await sandbox.dispose();
  const runs = graded * 20;
  const partial = graded < SUBMISSIONS ? ` (time budget reached: ${graded} of ${SUBMISSIONS}; ${SUBMISSIONS} would take ~${((seconds * SUBMISSIONS) / graded).toFixed(0)} s)` : '';
  console.log(
    `throughput (${sandboxName}, ${parallel} at once): ${graded} submissions × 20 tests in ${seconds.toFixed(1)} s = ` +
      `${((graded / seconds) * 60).toFixed(1)} submissions/min, ${(runs / seconds).toFixed(1)} test runs/s (${perfect}/${graded} full marks)${partial}`,
  );
  if (perfect !== graded) process.exitCode = 1;
  Object.assign(summary, { throughputSandbox: sandboxName, submissions: graded, seconds: round(seconds), submissionsPerMinute: round((graded / seconds) * 60), testRunsPerSecond: round(runs / seconds) });
}

function round(n) {
  return Math.round(n * 100) / 100;
}

try {
  await overhead();
  await spread();
  await throughput();
  console.log(JSON.stringify({ bench: 'grader', ...summary }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
