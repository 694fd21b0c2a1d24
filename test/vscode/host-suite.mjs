// Runs the extension's mocha suite inside code-server's extension host. The
// workbench reads extensionDevelopmentPath and extensionTestsPath from the
// URL's `payload` (code-server refuses them on its command line) and reports
// the suite's end through window.codeAutomationExit.

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
