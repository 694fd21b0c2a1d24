#!/usr/bin/env node
// Watcher benchmark: the packages' one file watcher (sync's TreeWatcher, one
// inotify watcher per folder) beside the two other designs it could be, on
// the same generated tree of 10,000 files in 100 folders:
//   - Node's recursive fs.watch (the agent's former watcher; on Linux, Node 20
//     implements it by walking the tree in JavaScript);
//   - @parcel/watcher (native, one subscription for the tree).
// For each: the time to start watching, the time until every one of 2,000
// new files written at once is reported, and the latency of a one-file edit
// (write → reported), 100 edits, median and p99. Printed beside
// @parcel/watcher as ratios (below 1 means the packages' watcher is faster).
// The winner is the one the packages should use; this run is the evidence.
//
//   node bench/watchers/run.mjs        (after `npm run build`)

import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { TreeWatcher } = require('@classpod/sync');
const parcel = require('@parcel/watcher');

const FOLDERS = 100;
const FILES_PER_FOLDER = 100;
const BURST = 2_000;
const EDITS = 100;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
const step = (what) => process.stderr.write(`  … ${what}\n`);

/** A fresh tree of FOLDERS × FILES_PER_FOLDER small files. */
function makeTree(base, name) {
  const root = path.join(base, name);
  for (let d = 0; d < FOLDERS; d++) {
    mkdirSync(path.join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < FILES_PER_FOLDER; f++) writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
  }
  return root;
}

/** Each design as `start(root, onPaths)` resolving to a `stop()`; paths come relative to the root with `/`. */
const designs = {
  'sync TreeWatcher (per folder)': async (root, onPaths) => {
    const w = new TreeWatcher(root, onPaths, { debounceMs: 5 });
    await w.start();
    return async () => w.close();
  },
  'fs.watch recursive': async (root, onPaths) => {
    const w = watch(root, { recursive: true }, (_e, name) => name && onPaths([String(name).split(path.sep).join('/')]));
    return async () => w.close();
  },
  '@parcel/watcher': async (root, onPaths) => {
    const sub = await parcel.subscribe(root, (err, events) => {
      if (!err) onPaths(events.map((e) => path.relative(root, e.path).split(path.sep).join('/')));
    });
    return () => sub.unsubscribe();
  },
};

/** Resolve once every path of `wanted` was seen, or reject after `ms`. */
function waitAll(seen, wanted, ms) {
  const deadline = now() + ms;
  return (async () => {
    while (![...wanted].every((p) => seen.has(p))) {
      if (now() > deadline) throw new Error(`${[...wanted].filter((p) => !seen.has(p)).length} of ${wanted.size} paths never reported`);
      await sleep(2);
    }
  })();
}

async function measure(base, name, start) {
  const root = makeTree(base, name.replace(/\W+/g, '-'));
  const seen = new Set();
  const t0 = now();
  const stop = await start(root, (paths) => paths.forEach((p) => seen.add(p)));
  const startMs = now() - t0;
  try {
    await sleep(200);
    const burst = new Set();
    const t1 = now();
    for (let i = 0; i < BURST; i++) {
      const rel = `d${i % FOLDERS}/new-${i}.txt`;
      writeFileSync(path.join(root, rel), `new ${i}\n`);
      burst.add(rel);
    }
    await waitAll(seen, burst, 60_000);
    const burstMs = now() - t1;
    const edits = [];
    for (let i = 0; i < EDITS; i++) {
      const rel = `d${(i * 7) % FOLDERS}/f${i % FILES_PER_FOLDER}.txt`;
      seen.delete(rel);
      const t = now();
      writeFileSync(path.join(root, rel), `edit ${i} ${'x'.repeat(i)}\n`);
      await waitAll(seen, new Set([rel]), 10_000);
      edits.push(now() - t);
      await sleep(10);
    }
    return { startMs, burstMs, editMedian: median(edits), editP99: percentile(edits, 0.99) };
  } finally {
    await stop();
  }
}

const base = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-watchers-'));
try {
  const results = {};
  for (const [name, start] of Object.entries(designs)) {
    step(name);
    results[name] = await measure(base, name, start);
  }
  const ref = results['@parcel/watcher'];
  const ms = (x) => `${x.toFixed(1)} ms`;
  process.stdout.write(`watchers on ${FOLDERS * FILES_PER_FOLDER} files in ${FOLDERS} folders (${os.cpus().length} cores)\n`);
  for (const [name, r] of Object.entries(results)) {
    process.stdout.write(
      `  ${name.padEnd(32)} start ${ms(r.startMs).padStart(10)} (${(r.startMs / ref.startMs).toFixed(2)}×)` +
        `  ${BURST} new files ${ms(r.burstMs).padStart(10)} (${(r.burstMs / ref.burstMs).toFixed(2)}×)` +
        `  edit median ${ms(r.editMedian)} p99 ${ms(r.editP99)}\n`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
