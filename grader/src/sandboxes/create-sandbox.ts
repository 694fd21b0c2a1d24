// Makes a sandbox plugin by name. `isolate` and `local` are loaded only when
// asked for, so a bundle that only uses `none` (the VS Code extension) needs
// nothing Linux-specific at start-up.

import { NoneSandbox } from './none-sandbox';
import type { Sandbox, SandboxName } from './sandbox';

/** Options for any plugin, passed through to the one chosen. */
export interface SandboxOptions {
  tmpDir?: string;
  /** isolate: path of the isolate command. */
  isolateCommand?: string;
  /** isolate and local: most boxes open at once. */
  poolSize?: number;
}

/** The sandbox plugin called `name`. Throws when it cannot run on this machine. */
export function createSandbox(name: SandboxName, options: SandboxOptions = {}): Sandbox {
  switch (name) {
    case 'none':
      return new NoneSandbox(options.tmpDir ? { tmpDir: options.tmpDir } : {});
    case 'local': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const local = require('./local-sandbox') as typeof import('./local-sandbox');
      const problem = local.localSandboxUnavailable();
      if (problem) throw new Error(problem);
      return new local.LocalSandbox({
        ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      });
    }
    case 'isolate': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolate = require('./isolate-sandbox') as typeof import('./isolate-sandbox');
      const problem = isolate.isolateUnavailable(options.isolateCommand);
      if (problem) throw new Error(problem);
      return new isolate.IsolateSandbox({
        ...(options.isolateCommand ? { command: options.isolateCommand } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      });
    }
  }
}

/** Whether `value` names a sandbox plugin. */
export function isSandboxName(value: string): value is SandboxName {
  return value === 'none' || value === 'local' || value === 'isolate';
}
