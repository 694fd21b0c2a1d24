// Installs code-server 4.100.3 (VS Code 1.100.3 with a Node extension host) into
// test/vscode/.install/, outside the project's dependency tree, and checks the
// system tools the end-to-end run needs. Safe to run again: it does nothing
// when everything is there. The recipe (and why code-server rather than a
// downloaded VS Code) is in extension/README.md, "Development".
//
//   node test/vscode/install.mjs        # prints the code-server binary's path

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const here = dirname(fileURLToPath(import.meta.url));
export const installDir = join(here, '.install');
export const codeServerBin = join(installDir, 'node_modules', '.bin', 'code-server');
export const chromiumPath = process.env.CLASSPOD_CHROMIUM ?? '/usr/bin/chromium';

/** Debian packages the run needs, and the file that shows each is installed. */
const systemNeeds = [
  { pkg: 'chromium', file: chromiumPath },
  { pkg: 'ripgrep', file: '/usr/bin/rg' },
  { pkg: 'libkrb5-dev', file: '/usr/include/krb5.h' },
  { pkg: 'build-essential', file: '/usr/bin/g++' },
  { pkg: 'pkg-config', file: '/usr/bin/pkg-config' },
  { pkg: 'python3', file: '/usr/bin/python3' },
];

/** Debian packages that are missing (empty when all are there). */
export function missingSystemPackages() {
  return systemNeeds.filter((n) => !existsSync(n.file)).map((n) => n.pkg);
}

/** True when code-server is installed and complete. */
export function codeServerInstalled() {
  return existsSync(codeServerBin) && existsSync(join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'));
}

/** Install code-server if needed; returns its binary. Throws with the reason when it cannot. */
export function ensureCodeServer(log = (m) => process.stderr.write(m + '\n')) {
  if (codeServerInstalled()) return codeServerBin;
  const missing = missingSystemPackages();
  if (missing.length > 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} (apt-get install -y ${missing.join(' ')})`);
  }
  // @vscode/ripgrep's install step downloads rg from the internet unless its
  // cache holds the archive; build the archive from Debian's rg.
  const cache = join(process.env.TMPDIR ?? tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', '/usr/bin', 'rg']);
  mkdirSync(installDir, { recursive: true });
  writeFileSync(
    join(installDir, 'package.json'),
    JSON.stringify({ name: 'classpod-vscode-host', private: true, description: 'code-server for Classpod end-to-end tests' }, null, 2),
  );
  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} (about a minute)`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // As root, code-server's postinstall refuses to run without unsafe_perm;
      // node-pty's postinstall runs `npx node-gyp` (yes); nodedir builds native
      // modules against the installed Node's headers instead of downloading them.
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      npm_config_nodedir: '/usr',
      npm_config_workspaces: 'false',
    },
  });
  if (r.status !== 0 || !codeServerInstalled()) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status})`);
  return codeServerBin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(ensureCodeServer() + '\n');
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
