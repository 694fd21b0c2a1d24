// The workspace agent's program for hubs and local providers that tests start
// in-process: the hub takes it as an option (`agentScript`); tests find it the
// way `classpod-hub serve` does, from the @classpod/agent installed beside the hub.

import { installedAgentProgram } from '../../src/cli/agent-program';

/** `agent/dist/src/cli/agent.js` of this checkout. */
export const AGENT_SCRIPT = installedAgentProgram();
