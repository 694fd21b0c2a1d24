// A real VS Code for the end-to-end run: code-server 4.100.3 with a fresh
// profile, the Classpod .vsix installed, started in its own process group on
// loopback. Its extension host inherits `env` (the hub's address, tokens).

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { run, startProcess } from './processes.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Install the .vsix into a fresh profile and start code-server; resolves with its base URL. */
export async function startCodeServer({ bin, vsix, dir, logDir, settings, env }) {
  const ud = join(dir, 'user-data');
  const ext = join(dir, 'extensions');
  mkdirSync(join(ud, 'User'), { recursive: true });
  mkdirSync(join(ud, 'Machine'), { recursive: true });
  mkdirSync(ext, { recursive: true });
  // Machine-scoped settings (classpod.localRoot) are read from the remote machine's settings.
  writeFileSync(join(ud, 'Machine', 'settings.json'), JSON.stringify(settings ?? {}, null, 2));
  writeFileSync(
    join(ud, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'security.workspace.trust.enabled': false,
        // The DOM renderer puts the terminal's text in the page, where a test can read it.
        'terminal.integrated.gpuAcceleration': 'off',
        'window.confirmBeforeClose': 'never',
        // The hub, agents and grader of the test listen on this machine too: VS Code would
        // announce each new port with a notification that can push the one a step waits for
        // out of the toasts.
        'remote.autoForwardPorts': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  const xdg = { XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_DATA_HOME: join(dir, 'xdg-data') };
  await run(bin, ['--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix], { env: xdg });
  const port = await freePort();
  const folder = join(dir, 'start');
  mkdirSync(folder, { recursive: true });
  const server = await startProcess({
    name: 'code-server',
    command: bin,
    args: [
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', ud,
      '--extensions-dir', ext,
      folder,
    ],
    env: { ...xdg, ...env },
    log: join(logDir, 'code-server.log'),
    ready: (line) => /HTTP server listening on/.test(line),
  });
  return { ...server, url: `http://127.0.0.1:${port}`, port, userData: ud };
}
