#!/usr/bin/env node
// Density benchmark: a class of 300 workspaces on one machine, with a real
// hub (SQLite, the local provider, bubblewrap when it works here) and real
// agents. Each workspace is opened as a student's connection opens it (started,
// its assignment folders laid out, watched for versions), a few at a time; the
// run then reports
//   - start time per workspace, p50 and p99, beside a bare spawn of the same
//     Node binary to its first output (the baseline, measured in the same run
//     under the same load);
//   - total memory of the running class: the sum of PSS over every workspace's
//     process tree (what the class costs the machine; shared pages divided
//     among the processes that map them) and the sum of RSS (which counts
//     Node's shared binary once per process), per workspace too, beside a bare
//     Node process measured in the same run; and the hub's own RSS;
//   - deadline collection for the class from the hub's history with every
//     workspace stopped, beside reading the same snapshots' manifests from the
//     blob store; it checks that collection started no workspace.
// Everything it started is stopped at the end, on failure too (and on Ctrl-C),
// and the process table is checked for leftovers.
//
//   node bench/density/run.mjs        (after `npm run build`; about 3-5 minutes for 300 on 2 cores)
//   BENCH_DENSITY_STUDENTS=300 BENCH_DENSITY_CONCURRENCY=4 BENCH_DENSITY_ISOLATION=auto|none|bubblewrap

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mib, MiB, processesNaming, processMemory, processTable, sumMemory, withDescendants } from '../lib/process-memory.mjs';

const require = createRequire(import.meta.url);
const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hubPkg = require('@classpod/hub');
const { createLogger } = require('@classpod/observability');
const { agentCommandPath } = require('@classpod/agent');

const STUDENTS = Number(process.env.BENCH_DENSITY_STUDENTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_DENSITY_CONCURRENCY ?? 4);
const ISOLATION = process.env.BENCH_DENSITY_ISOLATION ?? 'auto';
const TARGET_MIB = 30;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const f = (n) => n.toFixed(n < 10 ? 2 : 0);

/** A bare spawn of the same Node binary, to its first output: the start-time baseline. */
function bareStart() {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("up\\n")'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.once('error', reject);
    child.stdout.once('data', () => resolve(now() - t0));
  });
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-density-'));
const START = new Date('2026-11-02T09:00:00.000Z');
const clock = new hubPkg.ManualClock(START);
let hub;
let bare;
let failed = false;
const stopAll = async () => {
  bare?.kill('SIGKILL');
  bare = undefined;
  const h = hub;
  hub = undefined;
  await h?.close();
};
process.once('SIGINT', () => {
  void stopAll().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
});

try {
  hub = await hubPkg.startHub({
    dataDir,
    port: 0,
    isolation: ISOLATION,
    agentScript: agentCommandPath(),
    clock,
    deadlinePollMs: 3_600_000,
    // Nobody works in the class during the run: no idle stop while it is measured.
    idleStopMs: 3_600_000,
    officialSandboxes: ['local', 'none'],
    logger: createLogger({ name: 'hub', level: 'error' }),
  });
  await hubPkg.setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, path.join(repo, 'examples', 'demo-course'), clock.now());
  const students = Array.from({ length: STUDENTS }, (_, i) => `s${String(i).padStart(3, '0')}`);
  for (const s of students) await hubPkg.enrolPerson(hub.store, 'cs101', { id: s, name: s }, 'student');
  const isolation = hub.provider.isolation ?? ISOLATION;

  // Start the class, CONCURRENCY at a time, each start timed; a bare start between batches is the baseline.
  const startMs = [];
  const baselineMs = [];
  const t0 = now();
  for (let i = 0; i < students.length; i += CONCURRENCY) {
    const batch = students.slice(i, i + CONCURRENCY);
    const [, ...times] = await Promise.all([
      bareStart().then((ms) => baselineMs.push(ms)),
      ...batch.map(async (s) => {
        const t = now();
        await hub.context.workspaces.open({ courseId: 'cs101', studentId: s });
        return now() - t;
      }),
    ]);
    startMs.push(...times);
    if ((i / CONCURRENCY) % 25 === 24) process.stdout.write(`  ${i + batch.length} of ${STUDENTS} started (${f((now() - t0) / 1000)} s)\n`);
  }
  const allStartedMs = now() - t0;
  // Each opened workspace records its first version (the starter files); wait for all of them.
  const waitUntil = Date.now() + 10 * 60_000;
  let recorded = 0;
  while (Date.now() < waitUntil) {
    recorded = Number(
      (
        await hub.store.database.db
          .selectFrom('versions')
          .select((eb) => eb.fn.count('student_id').distinct().as('n'))
          .where('course_id', '=', 'cs101')
          .where('assignment_id', '=', 'c-sum')
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (recorded >= STUDENTS) break;
    await sleep(500);
  }
  if (recorded < STUDENTS) throw new Error(`only ${recorded} of ${STUDENTS} workspaces recorded a version`);

  // Memory of the running class, once it is quiet (the agents' post-work collection included).
  bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(10_000);
  const table = processTable();
  const perWorkspace = students.map((s) => sumMemory(processesNaming(path.join(dataDir, 'workspaces', 'cs101', s), table)));
  if (perWorkspace.some((m) => m.processes === 0)) throw new Error(`${perWorkspace.filter((m) => m.processes === 0).length} workspaces have no process`);
  const total = perWorkspace.reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss, private: a.private + m.private, processes: a.processes + m.processes }), { rss: 0, pss: 0, private: 0, processes: 0 });
  const bareMem = processMemory(bare.pid);
  const hubMem = processMemory(process.pid);

  // Every workspace stopped; the clock passes the due time; the class is collected from the history.
  const stopT0 = now();
  for (let i = 0; i < students.length; i += 16) await Promise.all(students.slice(i, i + 16).map((s) => hub.provider.stop({ courseId: 'cs101', studentId: s })));
  const stopMs = now() - stopT0;
  const running = processTable().filter((p) => p.cmdline.includes(path.join(dataDir, 'workspaces')));
  if (running.length > 0) throw new Error(`${running.length} workspace processes still run after every stop`);
  const started = [];
  hub.provider.onStatus((st) => {
    if (st.state !== 'stopped' && st.state !== 'stopping') started.push(st.workspaceId);
  });
  const due = Date.parse((await hub.store.assignments.get('cs101', 'c-sum')).dueAt);
  clock.set(due + 5 * 60_000);
  let t = now();
  const collected = (await hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum' && c.submissionId);
  const collectMs = now() - t;
  if (collected.length !== STUDENTS) throw new Error(`collected ${collected.length} students, not ${STUDENTS}`);
  if (started.length > 0) throw new Error(`collection started workspaces: ${started.slice(0, 5).join(', ')}`);
  const hashes = (await hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'c-sum' })).map((s) => s.snapshotHash);
  t = now();
  for (const h of hashes) await hub.blobs.manifest(h);
  const manifestsMs = now() - t;

  const per = (x) => x / STUDENTS;
  const meets = per(total.pss) <= TARGET_MIB * MiB;
  console.log(`density: a class of ${STUDENTS} workspaces (isolation ${isolation}, ${CONCURRENCY} started at a time, ${os.cpus().length} cores, ${mib(os.totalmem())} MiB of memory)`);
  console.log(`  start, per workspace      p50 ${f(percentile(startMs, 50))} ms   p99 ${f(percentile(startMs, 99))} ms   (the whole class: ${f(allStartedMs / 1000)} s)`);
  console.log(`  bare node start (baseline) p50 ${f(percentile(baselineMs, 50))} ms   p99 ${f(percentile(baselineMs, 99))} ms   ratio p50 ${(percentile(startMs, 50) / percentile(baselineMs, 50)).toFixed(1)}x`);
  console.log(`  memory of the running class (${total.processes} processes): PSS ${mib(total.pss)} MiB, RSS ${mib(total.rss)} MiB, private ${mib(total.private)} MiB`);
  console.log(`  per workspace             PSS ${mib(per(total.pss))} MiB   RSS ${mib(per(total.rss))} MiB   private ${mib(per(total.private))} MiB`);
  console.log(`  bare node (baseline)      PSS ${mib(bareMem.pss)} MiB   RSS ${mib(bareMem.rss)} MiB   private ${mib(bareMem.private)} MiB   ratio per workspace / bare: PSS ${(per(total.pss) / bareMem.pss).toFixed(2)}x, RSS ${(per(total.rss) / bareMem.rss).toFixed(2)}x`);
  console.log(`  the hub itself            RSS ${mib(hubMem.rss)} MiB   PSS ${mib(hubMem.pss)} MiB`);
  console.log(`  target ≤ ${TARGET_MIB} MiB per workspace (PSS: the shared Node binary is paid once per machine): ${meets ? 'met' : 'NOT met'}; RSS per workspace ${mib(per(total.rss))} MiB (Node's shared pages counted in every process)`);
  console.log(`  every workspace stopped in ${f(stopMs / 1000)} s; workspaces started by collection: ${started.length}`);
  console.log(`  deadline collection of the class from history: ${f(collectMs)} ms (${f(collectMs / STUDENTS)} ms per student)   baseline, reading the ${STUDENTS} manifests: ${f(manifestsMs)} ms   ratio ${(collectMs / manifestsMs).toFixed(1)}x`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await stopAll().catch((err) => {
    failed = true;
    console.error('stopping the hub failed', err);
  });
  await sleep(300);
  const left = withDescendants(processTable().filter((p) => p.pid !== process.pid && p.cmdline.includes(dataDir)).map((p) => p.pid));
  if (left.length > 0) {
    failed = true;
    console.error(`processes left behind: ${left.length} (${left.slice(0, 10).join(', ')}); killing them`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } else console.log('  process table: nothing of the run is left');
  rmSync(dataDir, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}
