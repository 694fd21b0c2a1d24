// The professor's end-to-end run in a real VS Code (code-server + Chromium +
// Playwright) against a real hub with the demo course on loopback. It reuses
// the student run's harness (install, build, stack, code-server, host suite)
// and adds the staff: a professor of the demo course, a professor of another
// course, and submissions made through the hub's API.
//
//   1. builds and packages the extension, starts the hub with the staff added;
//   2. seeds submissions (Ada: starter then solution; Grace: starter);
//   3. runs the in-host professor suite (CLASSPOD_HOST_SUITES=professor),
//      then Ada's side of grades (regrade of an older submission, a refused
//      150/100 override, an override comment) while she is signed in;
//   4. drives the Cluster view as the professor, then Ada's Courses view and
//      Show Results, a screenshot per step (after the in-host suite, against a
//      hub of its own, seeded the same way).
//
// Screenshots and logs go to test-results/vscode-e2e-professor/.
//
//   node test/vscode/professor.e2e.mjs [--host|--ui] [--no-compile]

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './code-server.mjs';
import { driveProfessor } from './drive-professor.mjs';
import { prepareUiRun, runHostSuiteLogged } from './host-suite.mjs';
import { ensureCodeServer } from './install.mjs';
import { stopAll } from './processes.mjs';
import { seedLateSubmission, seedSubmissions } from './professor-seed.mjs';
import { buildExtension, missingTools, repo } from './run-e2e.mjs';
import { startStack } from './stack.mjs';

export const resultsDir = join(repo, 'test-results', 'vscode-e2e-professor');

/** Add the staff and a second course before the hub starts; resolves with their tokens. */
async function addStaff(hub) {
  const token = async (person) => /: (\S+)\s*$/.exec(await hub('tokens', 'issue', '--person', person))[1];
  await hub('people', 'add', '--id', 'turing', '--name', 'Alan Turing', '--course', 'cs101', '--role', 'professor');
  await hub('course', 'create', '--id', 'cs202', '--title', 'Theory of Computation');
  await hub('people', 'add', '--id', 'liskov', '--name', 'Barbara Liskov', '--course', 'cs202', '--role', 'professor');
  return { turing: await token('turing'), liskov: await token('liskov') };
}

export async function runProfessorE2E({ host = true, ui = true, compile = true, log = (m) => process.stderr.write(`[e2e-professor] ${m}\n`) } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'classpod-e2e-prof-'));
  const summary = { host: undefined, ui: undefined, resultsDir };
  try {
    const bin = ensureCodeServer(log);
    const vsix = await buildExtension(log, dir, { compile });
    // c-sum takes at most 20 official submissions, so staff have something to grant (the in-host suite does).
    const stack = await startStack({ repo, dir, logDir: resultsDir, setup: addStaff, submissionLimit: 20 });
    log(`hub at ${stack.url}`);
    const seeded = await seedSubmissions({ repo, hubUrl: stack.url, tokens: stack.tokens });
    log(`submissions: ${JSON.stringify(seeded)}`);
    const cs = await startCodeServer({
      bin,
      vsix,
      dir: join(dir, 'code-server'),
      logDir: resultsDir,
      settings: { 'classpod.localRoot': join(dir, 'home', 'Classpod') },
      env: {
        CLASSPOD_HOST_SUITES: 'professor',
        CLASSPOD_HUB_URL: stack.url,
        CLASSPOD_PROFESSOR_TOKEN: stack.tokens.turing,
        CLASSPOD_OTHER_PROFESSOR_TOKEN: stack.tokens.liskov,
        CLASSPOD_STUDENT_TOKEN: stack.tokens.grace,
        CLASSPOD_STUDENT_ADA_TOKEN: stack.tokens.ada,
        CLASSPOD_E2E_DIR: dir,
        CLASSPOD_E2E_REPO: repo,
        CLASSPOD_E2E_GRADER: stack.grader ? '1' : '',
      },
    });
    log(`code-server at ${cs.url}`);
    if (host) summary.host = await runHostSuiteLogged({ baseUrl: cs.url, repo, dir, resultsDir, log, what: 'in-host professor suite' });
    if (ui) {
      const { shots, startFolder } = prepareUiRun({ dir, resultsDir });
      // After the in-host suite (its regrades, overrides and comments), the journey gets a hub of its
      // own, seeded the same way, so it sees what a professor sees on a fresh class whatever ran first.
      let uiStack = stack;
      if (host) {
        uiStack = await startStack({ repo, dir: join(dir, 'ui-stack'), logDir: join(resultsDir, 'ui-stack'), setup: addStaff });
        log(`journey's hub at ${uiStack.url}; submissions: ${JSON.stringify(await seedSubmissions({ repo, hubUrl: uiStack.url, tokens: uiStack.tokens }))}`);
      }
      // The gradebook shows late days spent: Grace's py-primes, handed in an hour after its due time.
      log(`late submission: ${(await seedLateSubmission({ hubUrl: uiStack.url, tokens: uiStack.tokens })).id}`);
      summary.ui = await driveProfessor({ baseUrl: cs.url, hubUrl: uiStack.url, tokens: uiStack.tokens, startFolder, shots, log });
    }
    return summary;
  } finally {
    await stopAll();
    if (!process.env.CLASSPOD_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const flags = new Set(process.argv.slice(2));
  const compile = !flags.delete('--no-compile');
  const options = flags.size ? { host: flags.has('--host'), ui: flags.has('--ui'), compile } : { compile };
  const stop = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const missing = missingTools();
  if (missing) {
    process.stderr.write(`[e2e-professor] cannot run: ${missing}\n`);
    process.exit(process.env.CI ? 1 : 0);
  }
  runProfessorE2E(options).then(
    (s) => {
      process.stderr.write(`[e2e-professor] passed: host suite ${s.host ?? 'skipped'}, UI steps ${s.ui ? s.ui.join(', ') : 'skipped'}; results in ${s.resultsDir}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`[e2e-professor] FAILED: ${err.message}\n`);
      process.exit(1);
    },
  );
}
