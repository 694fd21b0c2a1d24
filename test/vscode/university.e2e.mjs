// The university sign-in in a real VS Code (code-server + Chromium +
// Playwright): a real OpenID Provider (`oidc-provider`, the test provider of
// @classpod/test-support) on loopback, a hub configured with it, and the
// whole sign-in driven through the UI (test/vscode/drive-university.mjs).
//
// Addresses: code-server's workbench rewrites what an extension opens at
// localhost/127.0.0.1/0.0.0.0 into its own port-forwarding address
// (`/proxy/PORT/`), so a sign-in started there would reach the hub through
// code-server. The hub (and the proxy VS Code is given as the course server,
// which keeps the sessions the hub answers so the journey can check them)
// listen on 127.0.0.2, another loopback address the browser reaches directly;
// the provider on 127.0.0.1 is only reached by redirects, which nothing
// rewrites. The sign-in comes back to VS Code through code-server's own
// /callback page on its 127.0.0.1 address (a loopback redirect the hub accepts).
//
// Screenshots and logs go to test-results/vscode-e2e-university/.
//
//   node test/vscode/university.e2e.mjs [--no-compile]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_ID, CLIENT_SECRET, TestIdentityProvider } from '@classpod/test-support';
import { startCodeServer } from './code-server.mjs';
import { driveUniversity } from './drive-university.mjs';
import { prepareUiRun } from './host-suite.mjs';
import { ensureCodeServer } from './install.mjs';
import { stopAll } from './processes.mjs';
import { startRecordingProxy } from './recording-proxy.mjs';
import { buildExtension, missingTools, repo } from './run-e2e.mjs';
import { startStack } from './stack.mjs';

export const resultsDir = join(repo, 'test-results', 'vscode-e2e-university');
/** The address the hub and the course server's proxy listen on (loopback, but not one code-server forwards). */
const HUB_HOST = '127.0.0.2';

const ACCOUNT = { sub: 'u-katherine', name: 'Katherine Johnson', email: 'katherine@uni.example', preferred_username: 'katherine', groups: ['cs101-students', 'cs202-students'] };

export async function runUniversityE2E({ compile = true, log = (m) => process.stderr.write(`[e2e-university] ${m}\n`) } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'classpod-e2e-uni-'));
  let idp;
  let proxy;
  try {
    const bin = ensureCodeServer(log);
    const vsix = await buildExtension(log, dir, { compile });
    idp = await TestIdentityProvider.start({ accounts: [ACCOUNT] });
    log(`identity provider at ${idp.url}`);
    proxy = await startRecordingProxy({ host: HUB_HOST, log });
    const oidcFile = join(dir, 'oidc.json');
    writeFileSync(
      oidcFile,
      JSON.stringify({
        issuer: idp.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scopes: 'openid offline_access email profile groups',
        roleMapping: { 'cs101-students': [{ course: 'cs101', role: 'student' }], 'cs202-students': [{ course: 'cs202', role: 'student' }] },
        unknownPeople: 'refuse',
      }),
    );
    const stack = await startStack({
      repo,
      dir,
      logDir: resultsDir,
      host: HUB_HOST,
      serveArgs: ['--oidc-config', oidcFile],
      setup: async (hub) => {
        await hub('course', 'create', '--id', 'cs202', '--title', 'Theory of Computation');
        return {};
      },
    });
    const callback = `${stack.url}/v1/auth/oidc/callback`;
    await idp.register(callback);
    proxy.target(stack.url);
    log(`hub at ${stack.url} (its OpenID callback ${callback}); VS Code is given ${proxy.url}`);
    const cs = await startCodeServer({
      bin,
      vsix,
      dir: join(dir, 'code-server'),
      logDir: resultsDir,
      settings: { 'classpod.localRoot': join(dir, 'home', 'Classpod') },
      env: {},
    });
    log(`code-server at ${cs.url}`);
    const { shots, startFolder } = prepareUiRun({ dir, resultsDir });
    const { steps, visited } = await driveUniversity({
      baseUrl: cs.url,
      serverUrl: proxy.url,
      hubUrl: stack.url,
      startFolder,
      shots,
      account: { login: ACCOUNT.sub, name: ACCOUNT.name, providerUrl: idp.url },
      courses: ['Introduction to Programming (demo)', 'Theory of Computation'],
      sessions: proxy.sessions,
      log,
    });
    writeFileSync(join(resultsDir, 'sign-in-tab-urls.txt'), visited.join('\n') + '\n');
    return { ui: steps, visited, resultsDir };
  } finally {
    await stopAll();
    await proxy?.close();
    await idp?.close();
    if (!process.env.CLASSPOD_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const compile = !process.argv.includes('--no-compile');
  const stop = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const missing = missingTools();
  if (missing) {
    process.stderr.write(`[e2e-university] cannot run: ${missing}\n`);
    process.exit(process.env.CI ? 1 : 0);
  }
  runUniversityE2E({ compile }).then(
    (s) => {
      process.stderr.write(`[e2e-university] passed: ${s.ui.join(', ')}; results in ${s.resultsDir}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`[e2e-university] FAILED: ${err.message}\n`);
      process.exit(1);
    },
  );
}
