#!/usr/bin/env node
// Runs the hostile suite (grader/test/hostile) many times in a row while
// other processes keep every core busy, and reports whether every program
// got the same verdict every time — and how its runs ended, so a verdict that
// holds only by a rule (the fork bomb: stopped by the CPU limit or by the OOM
// killer, RE either way) shows which paths were taken.
//
//   node grader/scripts/stress-hostile.mjs [--runs 20] [--load N] [--uid-base 62500]
//
// Needs what the suite needs (root, bubblewrap, GNU time, gcc) and a build
// (`npx tsc -b`). --load is the number of busy processes (default: one per
// core). --uid-base gives the boxes a uid range away from other graders on
// the machine. Exit status 0 when every run gave the expected verdicts.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '..', '..');
const suite = path.join(repo, 'grader', 'dist', 'test', 'hostile', 'hostile.test.js');
const mocha = path.join(repo, 'node_modules', 'mocha', 'bin', 'mocha.js');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    load: { type: 'string', default: String(os.availableParallelism()) },
    'uid-base': { type: 'string', default: '62500' },
  },
});
const runs = Number(values.runs);
const load = Number(values.load);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(load) || load < 0) {
  process.stderr.write('usage: stress-hostile.mjs [--runs N] [--load N] [--uid-base UID]\n');
  process.exit(2);
}

/** Busy processes, each in its own process group so that all of them can be stopped. */
const burners = [];
function startLoad() {
  for (let i = 0; i < load; i++) {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { detached: true, stdio: 'ignore' });
    burners.push(child);
  }
}
function stopLoad() {
  for (const b of burners.splice(0)) {
    try {
      process.kill(-b.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'classpod-stress-'));
let current = null;
const stop = () => {
  if (current) {
    try {
      process.kill(-current.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  stopLoad();
  rmSync(scratch, { recursive: true, force: true });
};
process.on('SIGINT', () => (stop(), process.exit(130)));
process.on('SIGTERM', () => (stop(), process.exit(143)));

/** One run of the suite; resolves with its recorded verdicts and mocha's exit status. */
function runSuite(n) {
  const record = path.join(scratch, `run-${n}.jsonl`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, '--no-config', '--timeout', '120000', '--reporter', 'dot', suite], {
      cwd: repo,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CLASSPOD_HOSTILE_RECORD: record, CLASSPOD_TEST_UID_BASE: values['uid-base'] },
    });
    current = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      current = null;
      let rows = [];
      try {
        rows = readFileSync(record, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch {
        // nothing recorded: the suite did not get that far
      }
      resolve({ code, rows, output });
    });
  });
}

/** How a run ended, in a few words, from its message. */
function howItEnded(message) {
  if (/kernel memory/.test(message)) return 'OOM killer (kernel memory)';
  if (/stopped at the CPU time limit/.test(message)) return 'CPU limit';
  if (/stopped at the wall-clock limit/.test(message)) return 'wall clock';
  if (/killed by SIGXCPU/.test(message)) return 'SIGXCPU';
  if (/killed by/.test(message)) return message.replace(/.*killed by (\S+).*/s, '$1');
  return null;
}

const started = Date.now();
startLoad();
const byProgram = new Map();
let failedRuns = 0;
try {
  for (let n = 1; n <= runs; n++) {
    const t0 = Date.now();
    const { code, rows, output } = await runSuite(n);
    const wrong = rows.filter((r) => r.verdict !== r.expected);
    if (code !== 0) failedRuns++;
    for (const r of rows) {
      const e = byProgram.get(r.name) ?? { expected: r.expected, verdicts: new Map(), endings: new Map() };
      e.verdicts.set(r.verdict, (e.verdicts.get(r.verdict) ?? 0) + 1);
      const how = howItEnded(r.message);
      if (how) e.endings.set(how, (e.endings.get(how) ?? 0) + 1);
      byProgram.set(r.name, e);
    }
    const summary = code === 0 ? 'all as expected' : `suite failed (exit ${code})${wrong.length ? `: ${wrong.map((w) => `${w.name} ${w.verdict}`).join(', ')}` : ''}`;
    process.stdout.write(`run ${String(n).padStart(2)}/${runs}: ${rows.length} programs, ${((Date.now() - t0) / 1000).toFixed(0)} s, ${summary}\n`);
    if (code !== 0) process.stdout.write(output.split('\n').slice(-40).join('\n') + '\n');
  }
} finally {
  stop();
}

const loadavg = os.loadavg()[0].toFixed(1);
process.stdout.write(`\n${runs} runs with ${load} busy processes on ${os.availableParallelism()} cores, ${((Date.now() - started) / 60000).toFixed(1)} min, load average ${loadavg} at the end\n\n`);
let stable = failedRuns === 0;
for (const [name, e] of byProgram) {
  const verdicts = [...e.verdicts].map(([v, c]) => `${v} ×${c}`).join(', ');
  const endings = e.endings.size ? `  (ended by: ${[...e.endings].map(([k, c]) => `${k} ×${c}`).join(', ')})` : '';
  const same = e.verdicts.size === 1 && e.verdicts.has(e.expected) && e.verdicts.get(e.expected) === runs;
  if (!same) stable = false;
  process.stdout.write(`${same ? 'same' : 'DIFFERS'}  ${name.padEnd(22)} expected ${e.expected.padEnd(3)}  got ${verdicts}${endings}\n`);
}
process.stdout.write(`\n${stable ? `identical verdicts in all ${runs} runs` : 'verdicts differed between runs'}\n`);
process.exit(stable ? 0 : 1);
