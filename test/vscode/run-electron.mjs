// The extension's in-host mocha suite (the same entry, extension/out/test/index.js,
// that test/vscode/host-suite.mjs runs inside code-server) in a desktop VS Code
// downloaded by @vscode/test-electron, against a real hub, agents and grader on
// loopback. Under xvfb-run when no display is set and xvfb-run is installed.
//
// CI runs the suite in code-server (npm test → test/vscode/*.e2e.mjs); this runner is
// for machines that can download VS Code. Where the download (or a display) is not
// available it prints why and exits 0, or 1 under CI=true.
//
//   npm run test:electron                   # from extension/ or the repository root (-w extension)
//   node test/vscode/run-electron.mjs --no-compile

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { run, stopAll } from './processes.mjs';
import { startStack } from './stack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const resultsDir = join(repo, 'test-results', 'vscode-electron');
/** The VS Code the extension's engines field and the code-server run (4.100.3) both name. */
const vscodeVersion = '1.100.3';
const log = (m) => process.stderr.write(`[electron] ${m}\n`);

/** Print why the run cannot happen here and leave: a failure under CI, a skip elsewhere. */
function cannotRun(reason) {
  process.stderr.write(`[electron] ${reason}\n`);
  process.exit(process.env.CI === 'true' || process.env.CI === '1' ? 1 : 0);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Run the in-host suite in the downloaded VS Code at `vscodeExecutablePath`; resolves with its exit code. */
async function runSuite(vscodeExecutablePath, { compile }) {
  mkdirSync(resultsDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'classpod-electron-'));
  try {
    if (compile) {
      log('building the repository (tsc -b)');
      await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: repo });
    }
    log('bundling the extension and its in-host suite (esbuild)');
    await run(process.execPath, [join(repo, 'extension', 'esbuild.mjs')], { cwd: join(repo, 'extension') });
    const stack = await startStack({ repo, dir, logDir: resultsDir });
    log(`hub at ${stack.url}${stack.grader ? ' with a grader worker' : ''}`);
    const userData = join(dir, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'classpod.localRoot': join(dir, 'home', 'Classpod'),
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'security.workspace.trust.enabled': false,
        'window.confirmBeforeClose': 'never',
      }),
    );
    const folder = join(dir, 'host-start');
    mkdirSync(folder, { recursive: true });
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: join(repo, 'extension'),
      extensionTestsPath: join(repo, 'extension', 'out', 'test', 'index.js'),
      launchArgs: [
        folder,
        '--user-data-dir', userData,
        '--extensions-dir', join(dir, 'extensions'),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--disable-gpu',
        '--no-sandbox',
      ],
      extensionTestsEnv: {
        CLASSPOD_HUB_URL: stack.url,
        CLASSPOD_STUDENT_TOKEN: stack.tokens.grace,
        CLASSPOD_E2E_DIR: dir,
        CLASSPOD_E2E_REPO: repo,
        CLASSPOD_E2E_GRADER: stack.grader ? '1' : '',
      },
    });
  } finally {
    await stopAll();
    if (!process.env.CLASSPOD_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

async function main() {
  const compile = !process.argv.includes('--no-compile');
  let executable;
  try {
    log(`downloading VS Code ${vscodeVersion} (cached in test/vscode/.install/vscode-test)`);
    executable = await downloadAndUnzipVSCode({ version: vscodeVersion, cachePath: join(here, '.install', 'vscode-test'), timeout: 30_000 });
  } catch (err) {
    cannotRun(`cannot download VS Code: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Desktop VS Code needs a display: without one, run this script again under xvfb-run
  // (which finds the download in its cache).
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    if (!hasCommand('xvfb-run')) cannotRun('cannot run desktop VS Code: no DISPLAY is set and xvfb-run is not installed (Debian package xvfb)');
    log('no DISPLAY: running under xvfb-run');
    const child = spawnSync('xvfb-run', ['-a', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(child.status ?? 1);
  }
  const stop = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let code;
  try {
    code = await runSuite(executable, { compile });
  } catch (err) {
    log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  log(code === 0 ? 'passed: the in-host suite in desktop VS Code' : `FAILED: the in-host suite exited with ${code}`);
  process.exit(code === 0 ? 0 : 1);
}

await main();
