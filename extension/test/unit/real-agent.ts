// Test fixture: a real Classpod agent (the @classpod/agent package, built by
// `tsc -b`) on 127.0.0.1 over a temporary workspace folder. Loaded at run time
// so the extension's build does not depend on the agent's.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface AgentHandle {
  url: string;
  close(): Promise<void>;
}
interface AgentModule {
  startAgent(options: { root: string; token: string; logger?: unknown }): Promise<AgentHandle>;
}

export interface RealAgent {
  url: string;
  token: string;
  root: string;
  close(): Promise<void>;
}

export async function startRealAgent(): Promise<RealAgent> {
  const root = mkdtempSync(path.join(tmpdir(), 'classpod-ext-agent-'));
  const token = 'extension-test-token-0123456789';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const agent = require('@classpod/agent') as AgentModule;
  const { silentLogger } = await import('@classpod/observability');
  const handle = await agent.startAgent({ root, token, logger: silentLogger });
  return {
    url: handle.url,
    token,
    root,
    close: async () => {
      await handle.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
