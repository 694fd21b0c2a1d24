#!/usr/bin/env node
// `npm start`: the Classpod demo on this machine. A hub with the demo course
// from examples/ (SQLite and workspaces in a fresh data folder, agents in
// bubblewrap when the machine allows it), one professor and three students,
// and the grader's worker (GradingWorker) in this process using the best
// sandbox available (isolate, else local). Grades from isolate and local are
// official (the embedded grading policy). Where neither works, nothing is
// graded unless CLASSPOD_GRADE_WITH_NONE=1 says to grade with `none` — which is
// not a sandbox: every submission would run with this process's rights — and
// start-up says so loudly either way. Prints the URL and one token per person;
// Ctrl-C stops everything and removes the data folder.
//
// Options (environment): CLASSPOD_PORT (default 8080; 0 = any free port),
// CLASSPOD_HOST (default 127.0.0.1), CLASSPOD_DATA_DIR (keep data there instead
// of a temporary folder: a restart on it keeps the course with its due dates,
// and prints the same tokens), CLASSPOD_GRADE_WITH_NONE=1 (grade with `none` when no
// sandbox works here).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { keepPeople, readKeptPeople, tokenFor } from './demo-people.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);
const hubPkg = require(join(repo, 'hub'));
const observability = require(join(repo, 'observability'));
const grader = require(join(repo, 'grader'));
const agent = require(join(repo, 'agent'));
const setup = require(join(repo, 'hub', 'dist', 'src', 'admin', 'course-setup.js'));
const { parse: parseYaml } = require('yaml');

const log = observability.createLogger({ name: 'demo', level: process.env.CLASSPOD_LOG_LEVEL ?? 'warn' });

/** Sandboxes whose grades the embedded hub records as official. */
const EMBEDDED_OFFICIAL_SANDBOXES = ['isolate', 'local'];

/** isolate, else local — the first real sandbox the grader can make here; null when none works. */
function bestSandbox() {
  const reasons = [];
  for (const name of ['isolate', 'local']) {
    try {
      return { name, sandbox: grader.createSandbox(name), reasons };
    } catch (err) {
      reasons.push(`${name}: ${err.message}`);
    }
  }
  return { name: null, sandbox: null, reasons };
}

/** Lines that cannot be missed in a terminal. */
function loud(lines) {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '!'.repeat(width + 6);
  return [bar, ...lines.map((l) => `!! ${l.padEnd(width)} !!`), bar];
}

async function main() {
  const keep = process.env.CLASSPOD_DATA_DIR;
  const sandbox = bestSandbox();
  const gradeWithNone = !sandbox.name && process.env.CLASSPOD_GRADE_WITH_NONE === '1';
  if (gradeWithNone) Object.assign(sandbox, { name: 'none', sandbox: grader.createSandbox('none') });
  const officialSandboxes = gradeWithNone ? [...EMBEDDED_OFFICIAL_SANDBOXES, 'none'] : EMBEDDED_OFFICIAL_SANDBOXES;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'classpod-demo-'));
  const requestedPort = process.env.CLASSPOD_PORT !== undefined ? Number(process.env.CLASSPOD_PORT) : 8080;
  const options = { dataDir, host: process.env.CLASSPOD_HOST ?? '127.0.0.1', isolation: 'auto', agentScript: agent.agentCommandPath(), officialSandboxes, logger: observability.createLogger({ name: 'hub', level: process.env.CLASSPOD_LOG_LEVEL ?? 'warn' }) };
  let hub;
  try {
    hub = await hubPkg.startHub({ ...options, port: requestedPort });
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    hub = await hubPkg.startHub({ ...options, port: 0 });
  }

  // A kept data folder that holds the demo course keeps it as it is: setting it up again would move every due date.
  const demoFolder = join(repo, 'examples', 'demo-course');
  const demoCourseId = parseYaml(readFileSync(join(demoFolder, 'course.yaml'), 'utf8'))?.id;
  const existing = keep && demoCourseId ? await hub.store.courses.get(demoCourseId) : undefined;
  const course = existing
    ? { courseId: existing.id, title: existing.title, assignments: await hub.store.assignments.list(existing.id) }
    : await setup.setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, demoFolder, hub.clock.now());
  const kept = keep ? readKeptPeople(dataDir) : [];
  const people = [
    { id: 'ada', name: 'Prof. Ada Lovelace', role: 'professor' },
    { id: 'alice', name: 'Alice', role: 'student' },
    { id: 'bob', name: 'Bob', role: 'student' },
    { id: 'carol', name: 'Carol', role: 'student' },
  ];
  const tokens = [];
  for (const p of people) {
    await setup.enrolPerson(hub.store, course.courseId, { id: p.id, name: p.name }, p.role);
    // The token printed last time on this folder, while the hub accepts it.
    const token = await tokenFor(
      p,
      kept,
      (old) => hub.tokens.verify(old, 'api').then((who) => who.person?.id === p.id, () => false),
      async () => (await hub.tokens.issue({ personId: p.id, scopes: ['hub'], label: 'demo' })).token,
    );
    tokens.push({ ...p, token });
  }
  if (keep) keepPeople(dataDir, tokens);
  const workerToken = (await hub.tokens.issue({ scopes: ['grader'], label: 'demo worker' })).token;
  for (const r of sandbox.reasons) log.info('sandbox not used', { reason: r });
  const worker = sandbox.sandbox
    ? new grader.GradingWorker({
        hubUrl: hub.url.replace(/^http/, 'ws') + '/v1/grader',
        token: workerToken,
        sandbox: sandbox.sandbox,
        workerId: 'demo-worker',
        logger: log,
      })
    : null;
  worker?.start();
  const stopWorker = async () => {
    await worker?.stop(5000);
    await sandbox.sandbox?.dispose();
  };
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'you';
    }
  })();
  const gradingLines =
    sandbox.name === 'none'
      ? loud([
          'WARNING: GRADING WITH `none`, WHICH IS NOT A SANDBOX.',
          `Every submission runs as ${user}, with ${user}'s rights: it can read and write`,
          'your files, open connections and stop this process. Grades from it are official',
          'because CLASSPOD_GRADE_WITH_NONE=1 says so. Install bubblewrap (and run as root)',
          'for the local sandbox instead.',
          ...sandbox.reasons.map((r) => `  ${r}`),
        ])
      : sandbox.name
        ? [`  grading: a worker in this process, sandbox ${sandbox.name} (official: ${officialSandboxes.join(', ')})`]
        : loud([
            'GRADING IS OFF: no sandbox works on this machine, so submissions are queued',
            'and never graded.',
            ...sandbox.reasons.map((r) => `  ${r}`),
            'To grade them anyway with `none` (NOT a sandbox: submissions would run as',
            `${user}, with ${user}'s rights), start again with CLASSPOD_GRADE_WITH_NONE=1.`,
          ]);

  const isolation = hub.provider.isolation ?? hub.provider.kind;
  const lines = [
    '',
    `Classpod demo hub: ${hub.url}`,
    `  course ${course.courseId} — ${course.title}: ${course.assignments.map((a) => a.id).join(', ')}`,
    `  workspaces: local agents (${isolation === 'bubblewrap' ? 'each in a bubblewrap sandbox' : 'plain processes: bubblewrap is not available'})`,
    ...gradingLines,
    `  data: ${dataDir}${keep ? (existing ? ' (kept: the course, its due dates and these tokens as they were)' : ' (kept: a restart on it keeps the due dates and these tokens)') : ' (removed on exit; CLASSPOD_DATA_DIR=DIR keeps it)'}`,
    '',
    'Tokens (one per person):',
    ...tokens.map((t) => `  ${t.role.padEnd(9)} ${t.id.padEnd(6)} ${t.token}`),
    '',
    'Connect from VS Code: build the extension with `npm run package -w classpod`, install',
    'extension/out/classpod.vsix (Extensions: Install from VSIX...), open the Classpod view in the',
    'activity bar and run "Classpod: Sign In" with the URL above and one of the tokens.',
    `Health: ${hub.url}/healthz   Metrics: ${hub.url}/metrics   Grades (professor token): ${hub.url}/v1/courses/${course.courseId}/grades.csv`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping...\n');
    await stopWorker();
    await hub.close();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`classpod demo: ${err.stack ?? err}\n`);
  process.exit(1);
});
