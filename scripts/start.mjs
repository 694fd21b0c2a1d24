#!/usr/bin/env node
// `npm start`: the Classpod demo on this machine. A hub with the demo course
// from examples/ (SQLite and workspaces in a fresh data folder, agents in
// bubblewrap when the machine allows it), one professor and three students,
// and the grader's worker (GradingWorker) in this process using the best
// sandbox available (isolate, else local, else none). Prints the URL and one token per person;
// Ctrl-C stops everything and removes the data folder.
//
// Options (environment): CLASSPOD_PORT (default 8080; 0 = any free port),
// CLASSPOD_HOST (default 127.0.0.1), CLASSPOD_DATA_DIR (keep data there instead
// of a temporary folder).

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);
const hubPkg = require(join(repo, 'hub'));
const protocol = require(join(repo, 'protocol'));
const grader = require(join(repo, 'grader'));
const setup = require(join(repo, 'hub', 'dist', 'src', 'admin', 'course-setup.js'));

const log = protocol.createLogger({ name: 'demo', level: process.env.CLASSPOD_LOG_LEVEL ?? 'warn' });

/** isolate, else local, else none — the first sandbox the grader can make here. */
function bestSandbox() {
  const reasons = [];
  for (const name of ['isolate', 'local']) {
    try {
      return { name, sandbox: grader.createSandbox(name), reasons };
    } catch (err) {
      reasons.push(`${name}: ${err.message}`);
    }
  }
  return { name: 'none', sandbox: grader.createSandbox('none'), reasons };
}

async function main() {
  const keep = process.env.CLASSPOD_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'classpod-demo-'));
  const requestedPort = process.env.CLASSPOD_PORT !== undefined ? Number(process.env.CLASSPOD_PORT) : 8080;
  const options = { dataDir, host: process.env.CLASSPOD_HOST ?? '127.0.0.1', isolation: 'auto', logger: protocol.createLogger({ name: 'hub', level: process.env.CLASSPOD_LOG_LEVEL ?? 'warn' }) };
  let hub;
  try {
    hub = await hubPkg.startHub({ ...options, port: requestedPort });
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    hub = await hubPkg.startHub({ ...options, port: 0 });
  }

  const course = await setup.setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, join(repo, 'examples', 'demo-course'), hub.clock.now());
  const people = [
    { id: 'ada', name: 'Prof. Ada Lovelace', role: 'professor' },
    { id: 'alice', name: 'Alice', role: 'student' },
    { id: 'bob', name: 'Bob', role: 'student' },
    { id: 'carol', name: 'Carol', role: 'student' },
  ];
  const tokens = [];
  for (const p of people) {
    await setup.enrolPerson(hub.store, course.courseId, { id: p.id, name: p.name }, p.role);
    tokens.push({ ...p, token: (await hub.tokens.issue({ personId: p.id, scopes: ['hub'], label: 'demo' })).token });
  }
  const workerToken = (await hub.tokens.issue({ scopes: ['grader'], label: 'demo worker' })).token;
  const sandbox = bestSandbox();
  for (const r of sandbox.reasons) log.info('sandbox not used', { reason: r });
  const worker = new grader.GradingWorker({
    hubUrl: hub.url.replace(/^http/, 'ws') + '/v1/grader',
    token: workerToken,
    sandbox: sandbox.sandbox,
    workerId: 'demo-worker',
    logger: log,
  });
  worker.start();
  const stopWorker = async () => {
    await worker.stop(5000);
    await sandbox.sandbox.dispose();
  };

  const isolation = hub.provider.isolation ?? hub.provider.kind;
  const lines = [
    '',
    `Classpod demo hub: ${hub.url}`,
    `  course ${course.courseId} — ${course.title}: ${course.assignments.map((a) => a.id).join(', ')}`,
    `  workspaces: local agents (${isolation === 'bubblewrap' ? 'each in a bubblewrap sandbox' : 'plain processes: bubblewrap is not available'})`,
    `  grading: a worker in this process, sandbox ${sandbox.name}${sandbox.name === 'none' ? ' (limits and timeouts only)' : ''}`,
    `  data: ${dataDir}${keep ? '' : ' (removed on exit)'}`,
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
