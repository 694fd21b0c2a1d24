#!/usr/bin/env node
// Opening the gradebook of a class of 300 (about 10 seconds): a hub (SQLite,
// the local provider, no workspace running) whose 300 students each have
// submissions to the demo course's assignments — graded, late, overridden,
// queued or none — answers `grades/book` to a professor over a real
// WebSocket; the extension's model then builds the rows, the histograms and
// the counts, sorts by a column, and renders the whole page as the webview
// gets it. That is everything between the click and the page, but the
// browser's own layout. Printed beside a baseline measured in the same run on
// the same hub and connection: `grades/export`, the CSV of the same class
// (the same store reads, one text out). Five rounds; medians compared. The
// issue's goal is a gradebook that opens in under 1 s.
//
//   node bench/gradebook/run.mjs        (after `npm run build`)
//   BENCH_GRADEBOOK_STUDENTS=300 BENCH_GRADEBOOK_ROUNDS=5

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const { RpcEndpoint, GetGradebookRequest, ExportGradesRequest } = require('@classpod/protocol');
const { createLogger } = require('@classpod/observability');
const { WebSocket } = require('ws');
const hubPkg = require('@classpod/hub');
const { agentCommandPath } = require('@classpod/agent');
const gradebookDir = path.join(repo, 'extension', 'dist', 'src', 'professor', 'gradebook');
const { Gradebook, DEFAULT_QUERY } = require(path.join(gradebookDir, 'gradebook-model.js'));
const { gradebookPage, gradebookTable } = require(path.join(gradebookDir, 'gradebook-html.js'));

const STUDENTS = Number(process.env.BENCH_GRADEBOOK_STUDENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_GRADEBOOK_ROUNDS ?? 5);
const GOAL_MS = 1000;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n) => n.toFixed(n < 10 ? 2 : 1);

async function connect(url, token) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
  await endpoint.hello({ capabilities: [], client: { name: 'bench-gradebook', version: '0' } });
  return { ws, endpoint };
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-gradebook-'));
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
    const assignments = await hub.store.assignments.list('cs101');
    const t0 = now();
    let made = 0;
    for (let i = 0; i < STUDENTS; i++) {
      const id = `s${String(i).padStart(3, '0')}`;
      await hubPkg.enrolPerson(hub.store, 'cs101', { id, name: `Student ${i}`, email: `${id}@uni.example` }, 'student');
      for (const [j, a] of assignments.entries()) {
        const kind = (i * 7 + j * 3) % 10;
        if (kind < 2) continue; // not started or in progress: nothing handed in
        const sid = `b-${id}-${j}`;
        await hub.store.submissions.add({
          id: sid,
          courseId: 'cs101',
          assignmentId: a.id,
          studentId: id,
          snapshotHash: 'c'.repeat(64),
          submittedAt: new Date(Date.now() - (i + j) * 60_000).toISOString(),
          source: kind === 9 ? 'collected' : 'submitted',
          late: kind === 3,
          penaltyPercent: kind === 3 ? 20 : 0,
          fileCount: 3,
          totalBytes: 900,
        });
        made++;
        if (kind === 4) await hub.store.submissions.setOverride(sid, { score: Math.min(a.maxScore, 5), comment: 'checked by hand', authorId: 'prof' });
      }
    }
    const seedMs = now() - t0;
    const token = (await hub.tokens.issue({ personId: 'prof', scopes: ['hub'] })).token;
    client = await connect(hub.url.replace(/^http/, 'ws') + '/v1/connect', token);
    const page = { title: 'Introduction to Programming', nonce: '0123456789abcdef0123456789abcdef', cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/media/gradebook.js' };

    const request = [];
    const build = [];
    const render = [];
    const sortRender = [];
    const total = [];
    const baseline = [];
    let cells = 0;
    let htmlBytes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let t = now();
      const csv = await client.endpoint.request(ExportGradesRequest.type, { courseId: 'cs101' });
      baseline.push(now() - t);
      if (csv.csv.split('\r\n').length < STUDENTS) throw new Error('the export has fewer rows than students');

      const start = now();
      const answer = await client.endpoint.request(GetGradebookRequest.type, { courseId: 'cs101' });
      const got = now();
      const book = new Gradebook(answer);
      const built = now();
      const html = gradebookPage(page, book, DEFAULT_QUERY);
      const rendered = now();
      const q = { ...DEFAULT_QUERY, sort: { kind: 'assignment', assignmentId: assignments[0].id }, descending: true, search: 'student 1' };
      gradebookTable(book, book.view(q), q);
      t = now();
      request.push(got - start);
      build.push(built - got);
      render.push(rendered - built);
      sortRender.push(t - rendered);
      total.push(rendered - start);
      cells = answer.cells.length;
      htmlBytes = html.length;
      if (answer.students.length !== STUDENTS) throw new Error(`the gradebook has ${answer.students.length} students, not ${STUDENTS}`);
    }
    const open = median(total);
    const b = median(baseline);
    process.stdout.write(
      [
        `class of ${STUDENTS} × ${assignments.length} assignments (${cells} cells, ${made} submissions seeded in ${f(seedMs)} ms), ${ROUNDS} rounds, medians:`,
        `  grades/book over WebSocket        ${f(median(request))} ms`,
        `  model (rows, histograms, counts)  ${f(median(build))} ms`,
        `  page rendered (${(htmlBytes / 1024).toFixed(0)} KiB of HTML)    ${f(median(render))} ms`,
        `  open = request + model + page     ${f(open)} ms   (${total.map(f).join(', ')})   goal < ${GOAL_MS} ms: ${open < GOAL_MS ? 'met' : 'NOT met'}`,
        `  a sort and a search, table again  ${f(median(sortRender))} ms`,
        `baseline, grades/export (CSV of the same class, same connection): ${f(b)} ms median (${baseline.map(f).join(', ')})`,
        `ratio open / baseline: ${f(open / b)}x`,
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
