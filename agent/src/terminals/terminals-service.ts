// The terminals service: opens terminals inside the workspace, and lets any
// connection attach to them, type, resize, list and close them. Terminals
// belong to the agent, not to a connection, so they survive reconnects.

import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import {
  errors,
  TerminalAttachRequest,
  TerminalCloseRequest,
  TerminalInputRequest,
  TerminalListRequest,
  TerminalOpenRequest,
  TerminalResizeRequest,
} from '@classpod/protocol';
import type { AgentContext, AgentService } from '../service';
import { readCourse } from '../workspace/course-workspace';
import { shellIdentityEnv, shellUserName } from './shell-identity';
import { TerminalSession } from './terminal-session';

/** Terminals one agent runs at most. */
const MAX_TERMINALS = 32;
/** Environment variables of the agent a terminal never inherits. */
const SECRET_ENV = ['CLASSPOD_AGENT_TOKEN', 'CLASSPOD_AGENT_TOKEN_FILE'];

/** Folder holding the `classpod` command, put first on every terminal's PATH. */
export function commandBinDir(): string {
  return path.resolve(__dirname, '..', '..', '..', 'bin');
}

/** The program a name stands for (a path, or a name searched on PATH), if it is an executable file. */
function findProgram(name: string, searchPath: string): string | undefined {
  const candidates = name.includes('/') ? [name] : searchPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** The service and, for tests and metrics, its running terminals. */
export interface TerminalsService extends AgentService {
  readonly terminals: ReadonlyMap<string, TerminalSession>;
}

/** Build the terminals service. */
export function createTerminalsService(ctx: AgentContext): TerminalsService {
  const { jail, config } = ctx;
  const log = ctx.logger.child({ service: 'terminals' });
  const terminals = new Map<string, TerminalSession>();
  ctx.metrics.gauge('agent_terminals', 'Terminals running in the workspace.', () => terminals.size);

  const find = (terminalId: string): TerminalSession => {
    const t = terminals.get(terminalId);
    if (!t) throw errors.notFound(`no terminal \`${terminalId}\` (it ended, or was closed after being idle)`, { terminalId });
    return t;
  };

  const baseEnv = (): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SECRET_ENV.includes(k)) env[k] = v;
    env.PATH = [commandBinDir(), env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(path.delimiter);
    env.CLASSPOD_WORKSPACE = jail.root;
    env.TERM = 'xterm-256color';
    // The student's name, not the account the workspace runs under.
    let studentId: string | undefined;
    try {
      studentId = readCourse(jail.root)?.studentId;
    } catch {
      studentId = undefined;
    }
    Object.assign(env, shellIdentityEnv(shellUserName(studentId)));
    return env;
  };

  return {
    name: 'terminals',
    capabilities: ['terminals'],
    terminals,
    connect(endpoint) {
      ctx.handle(endpoint, TerminalOpenRequest.type, async (params, { endpoint: ep }) => {
        if (terminals.size >= MAX_TERMINALS) throw errors.rateLimited(`the workspace runs ${MAX_TERMINALS} terminals already; close one first`);
        const cwd = await jail.directory(params.cwd ?? '');
        const env = { ...baseEnv(), ...(params.env ?? {}) };
        const program = params.shell ?? config.shell;
        if (!findProgram(program, env.PATH ?? '')) throw errors.invalidParams(`\`${program}\` is not an executable program`, { shell: program });
        const id = randomUUID();
        let session: TerminalSession;
        try {
          session = new TerminalSession({
            id,
            shell: params.shell ?? config.shell,
            args: params.args ?? [],
            cwd: cwd.abs,
            cwdRel: cwd.rel,
            env,
            cols: params.cols,
            rows: params.rows,
            scrollbackBytes: config.scrollbackBytes,
            idleTimeoutMs: config.terminalIdleTimeoutMs,
            slowReaderMs: config.slowReaderTimeoutMs,
            logger: log,
            onGone: (s) => terminals.delete(s.id),
          });
        } catch (err) {
          throw errors.invalidParams(`cannot start \`${params.shell ?? config.shell}\`: ${(err as Error).message}`);
        }
        terminals.set(id, session);
        log.info('terminal opened', { terminalId: id, pid: session.pid, shell: params.shell ?? config.shell });
        let attached;
        try {
          attached = session.attach(ep);
        } catch (err) {
          // Refused (too many open streams on this connection): nobody could reach this terminal.
          session.close().catch((e: unknown) => log.warn('closing an unreachable terminal failed', { terminalId: id, err: e }));
          throw err;
        }
        return { terminalId: id, streamId: attached.streamId, offset: attached.offset };
      });

      ctx.handle(endpoint, TerminalAttachRequest.type, ({ terminalId, fromOffset }, { endpoint: ep }) =>
        find(terminalId).attach(ep, fromOffset),
      );

      ctx.handle(endpoint, TerminalInputRequest.type, ({ terminalId, data }) => {
        find(terminalId).input(data);
        return {};
      });

      ctx.handle(endpoint, TerminalResizeRequest.type, ({ terminalId, cols, rows }) => {
        find(terminalId).resize(cols, rows);
        return {};
      });

      ctx.handle(endpoint, TerminalCloseRequest.type, async ({ terminalId }) => {
        await find(terminalId).close('closed');
        return {};
      });

      ctx.handle(endpoint, TerminalListRequest.type, () => ({
        terminals: [...terminals.values()].map((t) => t.info()),
      }));
    },
    async close() {
      await Promise.all([...terminals.values()].map((t) => t.close('closed')));
      terminals.clear();
    },
  };
}
