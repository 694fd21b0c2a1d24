// @classpod/agent: the workspace agent. Start one in-process with
// `startAgent`, or as a program with `node agentCommandPath()`.

import path from 'node:path';

export { startAgent, CONNECT_PATH, AGENT_VERSION, type AgentHandle } from './agent';
export { resolveConfig, configFromCommandLine, helpText, ConfigError, DEFAULTS, type AgentConfig, type AgentOptions } from './config';
export type { AgentContext, AgentService, AgentServiceFactory } from './service';
export { Scrollback } from './terminals/scrollback';

/** Absolute path of the `classpod-agent` program's JavaScript file (run it with process.execPath). */
export function agentCommandPath(): string {
  return path.join(__dirname, 'cli', 'agent.js');
}

/** Absolute path of the `classpod` command's JavaScript file. */
export function classpodCommandPath(): string {
  return path.join(__dirname, 'cli', 'classpod.js');
}
