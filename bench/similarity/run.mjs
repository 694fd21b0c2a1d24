#!/usr/bin/env node
// A similarity check of a class of 300: a hub (SQLite, the local provider,
// no workspace running) whose 300 students have each handed in c-sum — one of
// four ways of writing it, each with code of the student's own, and every
// tenth a copy of another's with the names changed. A professor runs
// `similarity/run` over a real WebSocket and polls `similarity/status` until
// the check is done (collecting the final submissions from the store and the
// blobs, Dolos in its child process, ranking and storing the pairs), then
// reopens it (`similarity/pairs`, the first page). Printed beside a baseline
// measured in the same run: Dolos run directly, in this process, on the same
// files (analyze, every pair's similarity, fragments of the pairs kept).
// Three rounds; medians compared.
//
//   node bench/similarity/run.mjs        (after `npm run build`)
//   BENCH_SIMILARITY_STUDENTS=300 BENCH_SIMILARITY_ROUNDS=3

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const { RpcEndpoint, RunSimilarityRequest, SimilarityStatusRequest, ListSimilarityPairsRequest } = require('@classpod/protocol');
const { createLogger } = require('@classpod/observability');
const { WebSocket } = require('ws');
const hubPkg = require('@classpod/hub');
const { agentCommandPath } = require('@classpod/agent');
const { originalSolution, renamedCopy, storeSubmission } = require(path.join(repo, 'hub', 'dist', 'test', 'support', 'similarity-class.js'));

const STUDENTS = Number(process.env.BENCH_SIMILARITY_STUDENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_SIMILARITY_ROUNDS ?? 3);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n) => n.toFixed(n < 10 ? 2 : 0);

/** A small deterministic generator, so every run compares the same class. */
function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Code of the student's own: a helper whose statements follow from their seed. */
function ownCode(i) {
  const r = prng(i + 1);
  const lines = [`static int helper_${i}(int v) {`, '    int w = v;'];
  for (let k = 0; k < 8 + Math.floor(r() * 10); k++) {
    const pick = Math.floor(r() * 5);
    if (pick === 0) lines.push(`    if (w > ${Math.floor(r() * 100)}) { w -= ${k + 1}; }`);
    else if (pick === 1) lines.push(`    for (int j = 0; j < ${k + 2}; j++) w += j * ${Math.floor(r() * 9) + 1};`);
    else if (pick === 2) lines.push(`    while (w % ${k + 2} == 0 && w != 0) w /= ${k + 2};`);
    else if (pick === 3) lines.push(`    w = w ${r() > 0.5 ? '^' : '|'} (w << ${1 + (k % 3)});`);
    else lines.push(`    switch (w & 3) { case 0: w++; break; case 1: w--; break; default: w *= 2; }`);
  }
  lines.push('    return w;', '}', '');
  return lines.join('\n');
}

function classFiles() {
  const files = [];
  for (let i = 0; i < STUDENTS; i++) {
    const copyOf = i % 10 === 9 ? i - 5 : undefined;
    const own = copyOf === undefined ? ownCode(i) + originalSolution(i) : renamedCopy(files[copyOf]);
    files.push(own);
  }
  return files;
}

async function connect(url, token) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 600_000 });
  await endpoint.hello({ capabilities: [], client: { name: 'bench-similarity', version: '0' } });
  return { ws, endpoint };
}

/** The baseline: Dolos on the same files in this process, with fragments for the pairs the hub keeps. */
async function dolosDirectly(files, keep) {
  const { Dolos, File } = await import('@dodona/dolos-lib');
  const report = await new Dolos({ language: 'c' }).analyze(files.map((content, i) => new File(`${i}/sum.c`, content)));
  const pairs = report.allPairs().sort((a, b) => b.similarity - a.similarity);
  for (const p of pairs.slice(0, keep)) p.buildFragments();
  return pairs.length;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-similarity-'));
  const hub = await hubPkg.startHub({
    dataDir,
    port: 0,
    isolation: 'none',
    agentScript: agentCommandPath(),
    deadlinePollMs: 3_600_000,
    officialSandboxes: ['local', 'none'],
    logger: createLogger({ name: 'hub', level: 'error' }),
  });
  let client;
  try {
    await hubPkg.setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, path.join(repo, 'examples', 'demo-course'), hub.clock.now());
    await hubPkg.enrolPerson(hub.store, 'cs101', { id: 'prof', name: 'Prof' }, 'professor');
    const files = classFiles();
    const t0 = now();
    for (const [i, content] of files.entries()) {
      const id = `s${String(i).padStart(3, '0')}`;
      await hubPkg.enrolPerson(hub.store, 'cs101', { id, name: `Student ${i}` }, 'student');
      await storeSubmission(hub, { courseId: 'cs101', assignmentId: 'c-sum', studentId: id, files: { 'sum.c': content } });
    }
    const seedMs = now() - t0;
    const token = (await hub.tokens.issue({ personId: 'prof', scopes: ['hub'] })).token;
    client = await connect(hub.url.replace(/^http/, 'ws') + '/v1/connect', token);
    const maxPairs = hub.context.similarity.limits.maxPairs;

    const checks = [];
    const reopens = [];
    const baseline = [];
    let run;
    let dolosPairs = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let t = now();
      dolosPairs = await dolosDirectly(files, maxPairs);
      baseline.push(now() - t);

      t = now();
      run = (await client.endpoint.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).run;
      while (run.state === 'queued' || run.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        run = (await client.endpoint.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', runId: run.id })).run;
      }
      checks.push(now() - t);
      if (run.state !== 'done') throw new Error(`the check ${run.state}: ${run.message}`);
      t = now();
      const page = await client.endpoint.request(ListSimilarityPairsRequest.type, { runId: run.id, limit: 100 });
      reopens.push(now() - t);
      const copied = page.pairs.slice(0, STUDENTS / 10 - 1);
      if (!copied.every((p) => p.similarity > 0.9)) throw new Error('the copied pairs do not rank first');
    }
    const check = median(checks);
    const b = median(baseline);
    process.stdout.write(
      [
        `class of ${STUDENTS} (${files.length} files, ${run.fileCount} compared, ${dolosPairs} file pairs, ${run.pairCount} kept; seeded in ${f(seedMs)} ms), ${ROUNDS} rounds, medians:`,
        `  similarity/run until done (hub: collect, Dolos in a child, rank, store)  ${f(check)} ms`,
        `  reopening: similarity/pairs, first 100                                   ${f(median(reopens))} ms`,
        `  baseline: Dolos directly on the same files                              ${f(b)} ms`,
        `  ratio (check / Dolos directly): ${(check / b).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
  } finally {
    client?.ws.close();
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
