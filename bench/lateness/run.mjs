#!/usr/bin/env node
// What judging late work again costs the hub, on a class of 300 (about 10
// seconds). Every submission, extension, late-day grant and date edit makes
// the hub judge stored lateness again by the one rule (hub/src/deadlines/
// lateness-review.ts): one student's work after a submit, an extension or a
// grant; the whole course's after a date edit or a new course grant. Measured
// on a real store (SQLite) seeded with a term of submissions (many late, some
// spending late days) in a transaction, as the hub runs it, beside a baseline
// in the same run: the bare read of the course's submissions the review cannot
// do without (`submissions.list` of the course). Ratios against it.
//
//   node bench/lateness/run.mjs        (after `npm run build`)
//   BENCH_LATENESS_STUDENTS=300 BENCH_LATENESS_ROUNDS=7

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const hubPkg = require('@classpod/hub');
const { openStore } = require(path.join(repo, 'hub', 'dist', 'src', 'store', 'open-store.js'));
const { BlobStore } = require(path.join(repo, 'hub', 'dist', 'src', 'blobs', 'blob-store.js'));
const { graderSpecResolver } = require(path.join(repo, 'hub', 'dist', 'src', 'assignments', 'spec-resolver.js'));
const { reviewLateness } = require(path.join(repo, 'hub', 'dist', 'src', 'deadlines', 'lateness-review.js'));

const STUDENTS = Number(process.env.BENCH_LATENESS_STUDENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_LATENESS_ROUNDS ?? 7);
const DAY = 86_400_000;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n) => n.toFixed(n < 10 ? 2 : 1);

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-lateness-'));
  const store = await openStore({ dataDir });
  try {
    const blobs = new BlobStore(path.join(dataDir, 'blobs'));
    await hubPkg.setUpCourseFolder(store, blobs, graderSpecResolver(), path.join(repo, 'examples', 'demo-course'), new Date());
    await store.lateDays.setCourseDays('cs101', 2);
    const assignments = await store.assignments.list('cs101');
    let made = 0;
    const t0 = now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < STUDENTS; i++) {
        const id = `s${String(i).padStart(3, '0')}`;
        await hubPkg.enrolPerson(tx, 'cs101', { id, name: `Student ${i}` }, 'student');
        for (const [j, a] of assignments.entries()) {
          // Three attempts each, the last one late for a third of the class.
          for (let k = 0; k < 3; k++) {
            const late = k === 2 && (i + j) % 3 === 0;
            const at = Date.parse(a.dueAt ?? new Date().toISOString()) + (late ? ((i % 4) + 1) * DAY - 3_600_000 : -DAY + k * 3_600_000);
            await tx.submissions.add({
              id: `b-${id}-${j}-${k}`,
              courseId: 'cs101',
              assignmentId: a.id,
              studentId: id,
              snapshotHash: 'c'.repeat(64),
              submittedAt: new Date(at).toISOString(),
              source: 'submitted',
              late,
              penaltyPercent: 0,
              fileCount: 3,
              totalBytes: 900,
            });
            made++;
          }
        }
      }
    });
    const seedMs = now() - t0;
    // The first review brings the seeded (deliberately unjudged) lateness in line; what follows measures the steady state.
    const firstChanged = (await store.transaction((tx) => reviewLateness(tx, 'cs101'))).length;

    const baseline = [];
    const one = [];
    const course = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = now();
      const listed = await store.submissions.list({ courseId: 'cs101' });
      baseline.push(now() - t);
      if (listed.length !== made) throw new Error(`listed ${listed.length} submissions, not ${made}`);
      const student = `s${String((r * 37) % STUDENTS).padStart(3, '0')}`;
      t = now();
      const changedOne = await store.transaction((tx) => reviewLateness(tx, 'cs101', { studentId: student }));
      one.push(now() - t);
      t = now();
      const changedAll = await store.transaction((tx) => reviewLateness(tx, 'cs101'));
      course.push(now() - t);
      if (changedOne.length || changedAll.length) throw new Error('a steady-state review changed stored lateness');
    }
    const b = median(baseline);
    process.stdout.write(
      [
        `class of ${STUDENTS} × ${assignments.length} assignments, ${made} submissions (seeded in ${f(seedMs)} ms; the first review judged ${firstChanged} of them), ${ROUNDS} rounds, medians:`,
        `  one student's work judged again (after a submit, an extension, a grant)   ${f(median(one))} ms   ratio ${f(median(one) / b)}x`,
        `  the whole course judged again (after new dates or a new course grant)    ${f(median(course))} ms   ratio ${f(median(course) / b)}x`,
        `baseline, the course's submissions read (submissions.list): ${f(b)} ms median (${baseline.map(f).join(', ')})`,
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
