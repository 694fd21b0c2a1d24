// Where `classpod-hub serve` finds the workspace agent's program for the local
// provider when neither --agent nor CLASSPOD_AGENT_SCRIPT names it: the
// @classpod/agent installed beside the hub, asked through its public surface.
// Only the command looks it up, at start-up; the hub's code takes the path as
// an option (`agentScript`) and imports nothing of the agent.

import { HubConfigError } from '../config';

/** The installed agent's program (run it with this Node), or a HubConfigError saying how to name one. */
export function installedAgentProgram(): string {
  let agent: { agentCommandPath?: () => string };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    agent = require('@classpod/agent') as typeof agent;
  } catch {
    throw new HubConfigError('the local workspace provider runs workspace agents, but @classpod/agent is not installed beside the hub: install it, or name its program with --agent FILE (or CLASSPOD_AGENT_SCRIPT)');
  }
  if (typeof agent.agentCommandPath !== 'function') throw new HubConfigError('the installed @classpod/agent does not name its program (agentCommandPath): pass --agent FILE');
  return agent.agentCommandPath();
}
