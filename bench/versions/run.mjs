#!/usr/bin/env node
// Deadline collection from the version history, for a class of 300 (about
// 20 seconds): a hub (SQLite, the local provider, its injected clock) whose
// 300 students each have a few recorded versions of an assignment folder —
// five files, some shared between versions and students, the last one after
// the due time — and no workspace running. The clock passes the due time and
// the hub collects; the time it takes is printed beside a baseline measured in
// the same run: reading the same 300 snapshots' manifests straight from the
// blob store. Three rounds; the median is compared. The run also checks that
// no workspace was started.
//
//   node bench/versions/run.mjs        (after `npm run build`)
//   BENCH_VERSIONS_STUDENTS=300 BENCH_VERSIONS_ROUNDS=3

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const hubPkg = require('@classpod/hub');
const { agentCommandPath } = require('@classpod/agent');
const { createLogger } = require('@classpod/observability');

const STUDENTS = Number(process.env.BENCH_VERSIONS_STUDENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_VERSIONS_ROUNDS ?? 3);
const START = new Date('2026-11-02T09:00:00.000Z');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n) => n.toFixed(n < 10 ? 2 : 1);

/** A student's folder at one moment: a shared header, the student's own files, one that changes each version. */
function folder(student, round) {
  const files = [
    { path: 'README.md', content: Buffer.from('# c-sum\nRead two integers, print their sum.\n'.repeat(20)) },
    { path: 'Makefile', content: Buffer.from('all:\n\tcc -O2 -o sum sum.c\n') },
    { path: 'sum.c', content: Buffer.from(`/* ${student}, version ${round} */\n#include <stdio.h>\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",a+b);}\n`.repeat(8)) },
    { path: 'notes/ideas.txt', content: Buffer.from(`${student}'s notes\n`.repeat(50)) },
    { path: 'tests/mine.in', content: Buffer.from(`${round} ${round + 1}\n`) },
  ];
  return files;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-versions-'));
  const clock = new hubPkg.ManualClock(START);
  const hub = await hubPkg.startHub({
    dataDir,
    port: 0,
    isolation: 'none',
    agentScript: agentCommandPath(),
    clock,
    deadlinePollMs: 3_600_000,
    officialSandboxes: ['local', 'none'],
    logger: createLogger({ name: 'hub', level: 'error' }),
  });
  try {
    await hubPkg.setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, path.join(repo, 'examples', 'demo-course'), clock.now());
    const due = Date.parse((await hub.store.assignments.get('cs101', 'c-sum')).dueAt);
    const students = Array.from({ length: STUDENTS }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const s of students) await hubPkg.enrolPerson(hub.store, 'cs101', { id: s, name: s }, 'student');
    const recorder = new hubPkg.VersionRecorder(
      hub.versions,
      hub.blobs,
      clock,
      { keepPerFolder: 1000, keepDays: 365, courseQuotaBytes: 20 * 1024 ** 3 },
      { maxFiles: 2000, maxBytes: 20 * 1024 * 1024 },
      createLogger({ name: 'versions', level: 'error' }),
    );
    // Versions as syncs would record them: three before the due time, one after.
    const t0 = now();
    for (const [round, at] of [[1, due - 3 * 3_600_000], [2, due - 3_600_000], [3, due - 60_000], [4, due + 60_000]]) {
      clock.set(at);
      for (const s of students) {
        const files = folder(s, round);
        const byHash = new Map(files.map((x) => [hubPkg.sha256Hex(x.content), x.content]));
        const scanned = files.map((x) => ({ path: x.path, sha256: hubPkg.sha256Hex(x.content), size: x.content.byteLength, executable: false }));
        await recorder.record({ courseId: 'cs101', studentId: s, assignmentId: 'c-sum' }, scanned, async (missing) => new Map(missing.map((m) => [m.sha256, byHash.get(m.sha256)])));
      }
    }
    const recordMs = now() - t0;
    const started = [];
    hub.provider.onStatus((st) => {
      if (st.state !== 'stopped') started.push(st.workspaceId);
    });

    const collectMs = [];
    const baselineMs = [];
    let collected = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Start each round with nothing collected.
      await hub.store.database.db.deleteFrom('jobs').execute();
      await hub.store.database.db.deleteFrom('deadline_collections').execute();
      await hub.store.database.db.deleteFrom('submissions').execute();
      clock.set(due + 5 * 60_000);
      let t = now();
      collected = (await hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum' && c.submissionId);
      collectMs.push(now() - t);
      const hashes = (await hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'c-sum' })).map((s) => s.snapshotHash);
      t = now();
      let files = 0;
      for (const h of hashes) files += (await hub.blobs.manifest(h)).length;
      baselineMs.push(now() - t);
      if (files !== STUDENTS * 5) throw new Error(`the baseline read ${files} manifest entries, not ${STUDENTS * 5}`);
    }
    if (collected.length !== STUDENTS) throw new Error(`collected ${collected.length} students, not ${STUDENTS}`);
    if (started.length > 0) throw new Error(`collection started workspaces: ${started.slice(0, 5).join(', ')}`);
    const c = median(collectMs);
    const b = median(baselineMs);
    process.stdout.write(
      [
        `class of ${STUDENTS}, ${STUDENTS * 4} versions recorded in ${f(recordMs)} ms (setup), workspaces started by collection: ${started.length}`,
        `deadline collection from history: ${f(c)} ms median of ${ROUNDS} (${collectMs.map(f).join(', ')}), ${f(c / STUDENTS)} ms per student`,
        `baseline, reading the same ${STUDENTS} manifests from the blob store: ${f(b)} ms median (${baselineMs.map(f).join(', ')})`,
        `ratio collection / baseline: ${f(c / b)}x`,
        '',
      ].join('\n'),
    );
  } finally {
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
