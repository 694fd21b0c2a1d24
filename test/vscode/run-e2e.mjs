// The extension's end-to-end run in a real VS Code (code-server + Chromium +
// Playwright) against a real hub, agents and grader on loopback:
//
//   1. installs code-server 4.100.3 into test/vscode/.install/ if missing;
//   2. builds the repository, bundles the extension and packages the .vsix;
//   3. starts the hub with the demo course (and a grader worker);
//   4. starts code-server with the .vsix installed;
//   5. runs the extension's mocha suite inside the extension host;
//   6. drives the UI as a student, a screenshot per step.
//
// Screenshots and logs go to test-results/vscode-e2e/. Every process started
// is stopped at the end, also on failure or Ctrl-C.
//
//   node test/vscode/run-e2e.mjs            # everything
//   node test/vscode/run-e2e.mjs --host     # only the in-host suite
//   node test/vscode/run-e2e.mjs --ui       # only the UI journey
//   node test/vscode/run-e2e.mjs --no-compile   # the packages were just built (npm test does)

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './code-server.mjs';
import { answerOpenRequests, REGRADE_ANSWER } from './drive-regrade-requests.mjs';
import { groupSetup } from './drive-group.mjs';
import { driveStudent } from './drive-student.mjs';
import { prepareUiRun, runHostSuiteLogged } from './host-suite.mjs';
import { ensureCodeServer, missingSystemPackages } from './install.mjs';
import { run, stopAll } from './processes.mjs';
import { startStack } from './stack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..');
export const resultsDir = join(repo, 'test-results', 'vscode-e2e', 'student');
/** The course's idle time in the UI journey's stack (minutes). */
const JOURNEY_IDLE_MINUTES = 1;
/** The journey's c-sum takes at most this many official submissions; it reads "4 of 5 submissions left" after its one. */
const JOURNEY_SUBMISSION_LIMIT = 5;

/** Why the run cannot happen on this machine, or undefined when it can. */
export function missingTools() {
  const missing = missingSystemPackages();
  return missing.length > 0 ? `missing Debian packages: ${missing.join(' ')}` : undefined;
}

/** Build the repository, bundle the extension and package it; returns the .vsix path. */
export async function buildExtension(log, outDir, { compile = true } = {}) {
  if (compile) {
    log('building the repository (tsc -b)');
    await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: repo });
  }
  log('bundling the extension (esbuild)');
  await run(process.execPath, [join(repo, 'extension', 'esbuild.mjs')], { cwd: join(repo, 'extension') });
  const vsix = join(outDir, 'classpod.vsix');
  log('packaging the .vsix (vsce)');
  await run(process.execPath, [join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], {
    cwd: join(repo, 'extension'),
  });
  return vsix;
}

/** An assistant of the demo course, who answers the journey's regrade request through the hub's API. */
async function addTeachingAssistant(hub) {
  await hub('people', 'add', '--id', 'tara', '--name', 'Tara Teaching', '--course', 'cs101', '--role', 'assistant');
  return { tara: /: (\S+)\s*$/.exec(await hub('tokens', 'issue', '--person', 'tara'))[1] };
}

/**
 * Run the end-to-end suite. Resolves with a summary; rejects with the first
 * failure (after stopping everything).
 */
export async function runE2E({ host = true, ui = true, compile = true, log = (m) => process.stderr.write(`[e2e] ${m}\n`) } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'classpod-e2e-'));
  const summary = { host: undefined, ui: undefined, resultsDir };
  try {
    const bin = ensureCodeServer(log);
    const vsix = await buildExtension(log, dir, { compile });
    // The course keeps its default idle time: a loaded machine that takes a minute over one step
    // must not see the workspace paused there. The journey's paused-terminal step shortens it.
    // The UI journey's stack also holds a group assignment (Ada and Grace in one group); the in-host suite's does not.
    const withGroup = async (hub) => ({ ...(await addTeachingAssistant(hub)), ...(await groupSetup(repo, dir)(hub)) });
    // Without the in-host suite the journey runs on this hub: its c-sum then limits submissions, as the journey reads.
    const stack = await startStack({ repo, dir, logDir: resultsDir, setup: host ? addTeachingAssistant : withGroup, ...(host ? {} : { submissionLimit: JOURNEY_SUBMISSION_LIMIT }) });
    log(`hub at ${stack.url}${stack.grader ? ' with a grader worker' : ' (no grader worker: the grader package has none yet)'}`);
    const cs = await startCodeServer({
      bin,
      vsix,
      dir: join(dir, 'code-server'),
      logDir: resultsDir,
      settings: { 'classpod.localRoot': join(dir, 'home', 'Classpod') },
      env: {
        CLASSPOD_HUB_URL: stack.url,
        CLASSPOD_STUDENT_TOKEN: stack.tokens.grace,
        CLASSPOD_E2E_DIR: dir,
        CLASSPOD_E2E_REPO: repo,
        CLASSPOD_E2E_GRADER: stack.grader ? '1' : '',
      },
    });
    log(`code-server at ${cs.url}`);
    if (host) summary.host = await runHostSuiteLogged({ baseUrl: cs.url, repo, dir, resultsDir, log, what: 'in-host suite' });
    if (ui) {
      const { shots, startFolder } = prepareUiRun({ dir, resultsDir });
      // After the in-host suite, the journey gets a hub of its own.
      const uiStack = host ? await startStack({ repo, dir: join(dir, 'ui-stack'), logDir: join(resultsDir, 'ui-stack'), setup: withGroup, submissionLimit: JOURNEY_SUBMISSION_LIMIT }) : stack;
      summary.ui = await driveStudent({
        baseUrl: cs.url,
        hubUrl: uiStack.url,
        token: uiStack.tokens.ada,
        startFolder,
        shots,
        log,
        expectGrade: Boolean(uiStack.grader),
        submissionLimit: JOURNEY_SUBMISSION_LIMIT,
        idleMinutes: JOURNEY_IDLE_MINUTES,
        setIdle: () => uiStack.setIdle(`${JOURNEY_IDLE_MINUTES}m`),
        answerRegrade: () => answerOpenRequests(uiStack.url, uiStack.tokens.tara, REGRADE_ANSWER),
        teammateToken: uiStack.tokens.grace,
      });
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
  const crash = (err) => {
    process.stderr.write(`[e2e] FAILED (uncaught): ${err?.stack ?? err}\n`);
    void stopAll().then(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const missing = missingTools();
  if (missing) {
    process.stderr.write(`[e2e] cannot run: ${missing}\n`);
    process.exit(process.env.CI ? 1 : 0);
  }
  runE2E(options).then(
    (s) => {
      process.stderr.write(`[e2e] passed: host suite ${s.host ?? 'skipped'}, UI steps ${s.ui ? s.ui.join(', ') : 'skipped'}; results in ${s.resultsDir}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`[e2e] FAILED: ${err.message}\n`);
      process.exit(1);
    },
  );
}
