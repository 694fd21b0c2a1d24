#!/usr/bin/env node
// Resume benchmark: how long starting a stopped workspace takes with the local
// provider (what a student waits for after an idle stop, from the first key
// press to an agent that answers), beside a bare spawn of the same Node binary
// measured in the same run (interleaved). The target is a median of 3 s or
// less; it is reported, never asserted.
//
//   node bench/resume/run.mjs        (after `npm run build`)
//   BENCH_RESUME_RUNS=30 BENCH_RESUME_ISOLATION=auto|none|bubblewrap

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { createLogger } = require('@classpod/observability');
const { agentCommandPath } = require('@classpod/agent');
const { LocalWorkspaceProvider } = require(path.join(repo, 'hub', 'dist', 'src', 'workspaces', 'local', 'local-provider.js'));
const { agentReadyz } = require(path.join(repo, 'hub', 'dist', 'src', 'workspaces', 'local', 'agent-process.js'));

const RUNS = Number(process.env.BENCH_RESUME_RUNS ?? 30);
const ISOLATION = process.env.BENCH_RESUME_ISOLATION ?? 'auto';
const TARGET_MS = 3000;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f = (n) => n.toFixed(n < 10 ? 2 : 0);

/** A bare spawn of the same Node binary, to its exit. */
function bareSpawn() {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(now() - t0));
  });
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-resume-'));
const provider = new LocalWorkspaceProvider({
  dataDir,
  logger: createLogger({ name: 'bench', level: 'silent' }),
  agentScript: agentCommandPath(),
  isolation: ISOLATION,
  idleCheckMs: 3_600_000,
});
try {
  await provider.start();
  const key = { courseId: 'bench', studentId: 'student' };
  // A workspace with some files, stopped as an idle stop leaves it.
  await provider.ensureRunning(key);
  for (let i = 0; i < 200; i++) writeFileSync(path.join(provider.workspaceDir(key), `file-${i}.txt`), `content ${i}\n`.repeat(50));
  await provider.stop(key);
  const resume = [];
  const baseline = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await bareSpawn());
    const t0 = now();
    const endpoint = await provider.ensureRunning(key);
    resume.push(now() - t0);
    if ((await agentReadyz(endpoint)) !== 200) throw new Error('the resumed agent is not ready');
    await provider.stop(key);
  }
  const med = percentile(resume, 50);
  const base = percentile(baseline, 50);
  console.log(`isolation: ${provider.isolation}; ${RUNS} resumes of a stopped workspace (200 files), each to an agent answering /readyz`);
  console.log(`  bare spawn of node (baseline)   median ${f(base)} ms   p99 ${f(percentile(baseline, 99))} ms`);
  console.log(`  resume a stopped workspace      median ${f(med)} ms   p99 ${f(percentile(resume, 99))} ms   (${(med / base).toFixed(1)}× the baseline)`);
  console.log(`  target: median ≤ ${TARGET_MS} ms — ${med <= TARGET_MS ? 'met' : 'NOT met'} (reported, not asserted)`);
} finally {
  await provider.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}
