#!/usr/bin/env node
// `classpod-agent`: reads its options, starts the agent, prints the one line
// `listening on http://HOST:PORT` (or `listening on unix:PATH`) to standard output (logs go to standard
// error as JSON lines), and stops gracefully on SIGTERM or SIGINT.

import { createLogger } from '@classpod/observability';
import { startAgent } from '../agent';
import { ConfigError, configFromCommandLine, helpText } from '../config';

/** How often an agent started with --parent-pid looks whether its parent is still there. */
const PARENT_CHECK_MS = 500;

async function main(): Promise<number> {
  let cmd;
  try {
    cmd = configFromCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`classpod-agent: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (cmd.help) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  const logger = createLogger({ name: 'agent' });
  const agent = await startAgent({ ...cmd.config, logger });
  process.stdout.write(`listening on ${agent.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info('stopping', { signal });
      void agent.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (cmd.parentPid !== undefined) {
      // Nobody else knows this agent's address or token: once the process that
      // started it is gone (even killed with SIGKILL), the agent has nobody to serve.
      const parent = cmd.parentPid;
      const watch = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(watch);
        stop('parent exited');
      }, PARENT_CHECK_MS);
      watch.unref();
    }
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`classpod-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
