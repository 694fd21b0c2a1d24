// Runs the extension's mocha suite inside code-server's extension host. The
// workbench reads extensionDevelopmentPath and extensionTestsPath from the
// URL's `payload` (code-server refuses them on its command line) and reports
// the suite's end through window.codeAutomationExit.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';

/** Resolves with the suite's exit code (0 = every test passed). */
export async function runHostSuite({ baseUrl, extensionPath, testsPath, folder, log, timeoutMs = 600_000 }) {
  const authority = new URL(baseUrl).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
  ];
  const url = `${baseUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const browser = await launchBrowser();
  try {
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    await browser.page.exposeFunction('codeAutomationLog', (_type, args) => log(format(...args)));
    await browser.page.exposeFunction('codeAutomationExit', (code) => exit(code));
    await browser.page.goto(url);
    let timer;
    const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code === 'timeout') log(`the in-host suite did not finish within ${timeoutMs / 1000} s`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
}

/**
 * Run the extension's in-host mocha suite (the suites named by the code-server's
 * CLASSPOD_HOST_SUITES) and keep its output in `resultsDir/host-suite.log`.
 * Resolves with 'passed'; throws naming the log when the suite failed.
 */
export async function runHostSuiteLogged({ baseUrl, repo, dir, resultsDir, log, what = 'in-host suite' }) {
  const hostLog = [];
  const folder = join(dir, 'host-start');
  mkdirSync(folder, { recursive: true });
  const code = await runHostSuite({
    baseUrl,
    extensionPath: join(repo, 'extension'),
    testsPath: join(repo, 'extension', 'out', 'test', 'index.js'),
    folder,
    log: (line) => {
      hostLog.push(line);
      log(`host: ${line}`);
    },
  });
  const logFile = join(resultsDir, 'host-suite.log');
  writeFileSync(logFile, hostLog.join('\n') + '\n');
  if (code !== 0) throw new Error(`the ${what} failed; see ${logFile}${failureReport(hostLog)}`);
  return 'passed';
}

/**
 * The failures the suite's reporter printed (from its "N failing" line on), so
 * a run whose results folder is out of reach (CI) still says which test failed
 * and why; when the suite printed no failures (it did not finish), its last lines.
 */
export function failureReport(lines, maxChars = 6000) {
  const text = lines.join('\n');
  const at = text.search(/^\s*\d+ failing\s*$/m);
  if (at < 0) return lines.length ? `\nlast lines of the suite:\n${lines.slice(-20).join('\n')}` : '';
  const report = text.slice(at).trim();
  return `\n${report.length > maxChars ? `${report.slice(0, maxChars)}\n…` : report}`;
}

/** A fresh screenshot folder under `resultsDir` and an empty folder for the workbench to open. */
export function prepareUiRun({ dir, resultsDir }) {
  const shots = join(resultsDir, 'screenshots');
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const startFolder = join(dir, 'ui-start');
  mkdirSync(startFolder, { recursive: true });
  return { shots, startFolder };
}
