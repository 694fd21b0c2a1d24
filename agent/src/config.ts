// The agent's configuration: every option as a flag with an environment
// equivalent, defaults in one place, validated before anything starts.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_OPEN_STREAMS,
  DEFAULT_MAX_REQUEST_BYTES,
  parseDuration,
  parseSize,
} from '@classpod/protocol';

/** The agent's settings, complete and validated. */
export interface AgentConfig {
  /** The workspace root every path is jailed to. */
  root: string;
  /** Interface to listen on. */
  host: string;
  /** Port to listen on (0: a free one). */
  port: number;
  /** A unix socket to listen on instead of `host:port` (absolute path; a stale socket there is replaced). */
  socket?: string;
  /** The bearer token clients must present. */
  token: string;
  /** Bytes of output each terminal keeps for reconnecting clients. */
  scrollbackBytes: number;
  /** A terminal with no client attached is closed after this long (ms). */
  terminalIdleTimeoutMs: number;
  /** A terminal reader that holds output back this long while another keeps up is let go (ms). */
  slowReaderTimeoutMs: number;
  /** Ping every connection this often; one that missed the last pong is dropped (ms). */
  pingIntervalMs: number;
  /** Largest file read or written (bytes). */
  maxFileBytes: number;
  /** Largest WebSocket frame answered with an error rather than a dropped connection (bytes). */
  maxFrameBytes: number;
  /** Binary streams one connection may have open at once. */
  maxOpenStreams: number;
  /** Bytes one connection may hold for its client (queued without credit, or reserved by requests) before requests that read more are refused. */
  maxBufferedBytes: number;
  /** Bytes one request may read into memory. */
  maxRequestBytes: number;
  /** Requests one connection may have in progress at once. */
  maxConcurrentRequests: number;
  /** Program a terminal runs when the client names none. */
  shell: string;
}

/** Settings a caller of `startAgent` gives; the rest take their defaults. */
export type AgentOptions = Pick<AgentConfig, 'root' | 'token'> & Partial<AgentConfig>;

/** Defaults, in one place. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  scrollbackBytes: 1024 * 1024,
  terminalIdleTimeoutMs: 30 * 60_000,
  slowReaderTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  maxFileBytes: 64 * 1024 * 1024,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxOpenStreams: DEFAULT_MAX_OPEN_STREAMS,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS,
} as const;

/** A configuration problem a person can fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** One command-line option: its flag, environment variable and help line. */
interface OptionSpec {
  flag: string;
  env: string;
  value: string;
  help: string;
  /** Read only from the environment (a secret must not show in the process list). */
  envOnly?: boolean;
  /** A flag without a value (`1` or `true` in the environment). */
  boolean?: boolean;
}

const OPTIONS: OptionSpec[] = [
  { flag: 'root', env: 'CLASSPOD_AGENT_ROOT', value: 'DIR', help: 'workspace root; every file and terminal stays inside it (required)' },
  { flag: 'listen', env: 'CLASSPOD_AGENT_LISTEN', value: 'HOST:PORT', help: 'address to listen on (default 127.0.0.1:0, a free port)' },
  { flag: 'socket', env: 'CLASSPOD_AGENT_SOCKET', value: 'PATH', help: 'listen on this unix socket instead of an address (absolute path)' },
  { flag: 'token-file', env: 'CLASSPOD_AGENT_TOKEN_FILE', value: 'FILE', help: 'file holding the bearer token clients must present' },
  { flag: 'token-stdin', env: 'CLASSPOD_AGENT_TOKEN_STDIN', value: '', help: 'read the bearer token from standard input, up to its end', boolean: true },
  { flag: 'parent-pid', env: 'CLASSPOD_AGENT_PARENT_PID', value: 'PID', help: 'stop once this process, which started the agent, is no longer its parent (the course server passes its own pid to agents it runs unsandboxed)' },
  { flag: 'token', env: 'CLASSPOD_AGENT_TOKEN', value: 'TOKEN', help: 'the bearer token itself, from the environment only (this or --token-file is required)', envOnly: true },
  { flag: 'scrollback-bytes', env: 'CLASSPOD_AGENT_SCROLLBACK_BYTES', value: 'SIZE', help: 'output each terminal keeps for reconnects (default 1MiB)' },
  { flag: 'terminal-idle-timeout', env: 'CLASSPOD_AGENT_TERMINAL_IDLE_TIMEOUT', value: 'DURATION', help: 'close a terminal no client attached to for this long (default 30m)' },
  { flag: 'slow-reader-timeout', env: 'CLASSPOD_AGENT_SLOW_READER_TIMEOUT', value: 'DURATION', help: 'let go of a terminal reader that holds output back this long while another keeps up (default 10s)' },
  { flag: 'ping-interval', env: 'CLASSPOD_AGENT_PING_INTERVAL', value: 'DURATION', help: 'ping connections this often; drop those that missed a pong (default 30s)' },
  { flag: 'max-file-bytes', env: 'CLASSPOD_AGENT_MAX_FILE_BYTES', value: 'SIZE', help: 'largest file read or written (default 64MiB)' },
  { flag: 'max-frame-bytes', env: 'CLASSPOD_AGENT_MAX_FRAME_BYTES', value: 'SIZE', help: 'largest WebSocket frame accepted (default 4MiB; twice that closes the connection)' },
  { flag: 'max-open-streams', env: 'CLASSPOD_AGENT_MAX_OPEN_STREAMS', value: 'N', help: 'binary streams one connection may have open at once (default 64)' },
  { flag: 'max-buffered-bytes', env: 'CLASSPOD_AGENT_MAX_BUFFERED_BYTES', value: 'SIZE', help: 'bytes one connection may hold for its client before requests that read more are refused (default 32MiB)' },
  { flag: 'max-request-bytes', env: 'CLASSPOD_AGENT_MAX_REQUEST_BYTES', value: 'SIZE', help: 'bytes one request may read into memory (default 16MiB)' },
  { flag: 'max-concurrent-requests', env: 'CLASSPOD_AGENT_MAX_CONCURRENT_REQUESTS', value: 'N', help: 'requests one connection may have in progress at once (default 256)' },
  { flag: 'shell', env: 'CLASSPOD_AGENT_SHELL', value: 'PROGRAM', help: 'program a terminal runs by default (default $SHELL, else /bin/bash)' },
];

/** The `--help` text. */
export function helpText(): string {
  const lines = [
    'usage: classpod-agent --root DIR [--listen HOST:PORT | --socket PATH] (--token-file FILE | --token-stdin | CLASSPOD_AGENT_TOKEN) [options]',
    '',
    'The Classpod workspace agent: files, terminals and test runs over one WebSocket (/v1/connect),',
    'plus /healthz, /readyz and /metrics. Prints `listening on http://HOST:PORT` (or `listening on unix:PATH`) once ready.',
    '',
    'options (each also read from the environment variable shown):',
  ];
  for (const o of OPTIONS) {
    lines.push((o.envOnly ? `  (environment only)` : `  --${o.flag}${o.value ? ` ${o.value}` : ''}`).padEnd(40) + `${o.env}`);
    lines.push(`      ${o.help}`);
  }
  lines.push('  --help, -h'.padEnd(40) + '');
  lines.push('      print this text');
  lines.push('', 'SIZE is bytes or a number with KiB/MiB/GiB; DURATION is seconds or a number with ms/s/m/h/d/w (or a sum: 1h30m).');
  return lines.join('\n');
}

/** The bytes of option `what` (`1048576`, `64KiB`, `1MiB`, `2GiB`). */
export function sizeOption(text: string, what: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new ConfigError(`${what} must be a size like 1048576 or 1MiB, not \`${text}\``);
  return bytes;
}

/** Parse a count: `64`. */
export function parseCount(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new ConfigError(`${what} must be a whole number like 64, not \`${text}\``);
  return Number(text.trim());
}

/** The milliseconds of option `what` (`30` seconds, `500ms`, `30s`, `5m`, `1h`, `1h30m`). */
export function durationOption(text: string, what: string): number {
  const ms = parseDuration(text, 's');
  if (ms === undefined) throw new ConfigError(`${what} must be a duration like 30s, 5m or 500ms, not \`${text}\``);
  return ms;
}

/** Parse `HOST:PORT` (IPv6 hosts in brackets). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`--listen must be HOST:PORT, e.g. 127.0.0.1:0, not \`${text}\``);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Longest unix socket path the kernel takes (`sun_path` holds 108 bytes with the final NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Check a `--socket` path: absolute, short enough for the kernel, without NUL. */
export function checkSocketPath(socket: string): string {
  if (!path.isAbsolute(socket) || socket.includes('\0')) throw new ConfigError(`--socket must be an absolute path, not \`${socket}\``);
  const bytes = Buffer.byteLength(socket);
  if (bytes > MAX_SOCKET_PATH_BYTES) throw new ConfigError(`--socket path is ${bytes} bytes long; a unix socket path holds at most ${MAX_SOCKET_PATH_BYTES}`);
  return path.normalize(socket);
}

/** Fill in defaults and check every value; throws ConfigError naming the first problem. */
export function resolveConfig(options: AgentOptions): AgentConfig {
  const config: AgentConfig = {
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    scrollbackBytes: options.scrollbackBytes ?? DEFAULTS.scrollbackBytes,
    terminalIdleTimeoutMs: options.terminalIdleTimeoutMs ?? DEFAULTS.terminalIdleTimeoutMs,
    slowReaderTimeoutMs: options.slowReaderTimeoutMs ?? DEFAULTS.slowReaderTimeoutMs,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
    maxFileBytes: options.maxFileBytes ?? DEFAULTS.maxFileBytes,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    maxOpenStreams: options.maxOpenStreams ?? DEFAULTS.maxOpenStreams,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULTS.maxRequestBytes,
    maxConcurrentRequests: options.maxConcurrentRequests ?? DEFAULTS.maxConcurrentRequests,
    shell: options.shell ?? (process.env.SHELL || '/bin/bash'),
    root: path.resolve(options.root),
    token: options.token,
    ...(options.socket !== undefined ? { socket: checkSocketPath(options.socket) } : {}),
  };
  let rootStat;
  try {
    rootStat = statSync(config.root);
  } catch {
    throw new ConfigError(`--root \`${config.root}\` does not exist`);
  }
  if (!rootStat.isDirectory()) throw new ConfigError(`--root \`${config.root}\` is not a directory`);
  if (config.token.length < 16) throw new ConfigError('the token must be at least 16 characters long');
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new ConfigError(`port ${config.port} is out of range`);
  const atLeast = (name: string, value: number, min: number): void => {
    if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be at least ${min}, not ${value}`);
  };
  atLeast('--scrollback-bytes', config.scrollbackBytes, 1024);
  atLeast('--terminal-idle-timeout', config.terminalIdleTimeoutMs, 1);
  atLeast('--ping-interval', config.pingIntervalMs, 10);
  atLeast('--slow-reader-timeout', config.slowReaderTimeoutMs, 1);
  atLeast('--max-file-bytes', config.maxFileBytes, 1);
  atLeast('--max-frame-bytes', config.maxFrameBytes, 64 * 1024);
  atLeast('--max-open-streams', config.maxOpenStreams, 1);
  atLeast('--max-buffered-bytes', config.maxBufferedBytes, 1024 * 1024);
  atLeast('--max-request-bytes', config.maxRequestBytes, 1024 * 1024);
  atLeast('--max-concurrent-requests', config.maxConcurrentRequests, 1);
  if (config.maxRequestBytes > config.maxBufferedBytes) {
    throw new ConfigError(`--max-request-bytes (${config.maxRequestBytes}) must not be more than --max-buffered-bytes (${config.maxBufferedBytes}): no request could use it`);
  }
  return config;
}

/** What the command line asked for: a help text, or a configuration. */
/** What the command line asks for: help, or an agent with its config (and the parent it ends with, if any). */
export type CommandLine = { help: true } | { help: false; config: AgentConfig; parentPid: number | undefined };

/** Read all of standard input (blocks until it ends). */
function readStandardInput(): string {
  return readFileSync(0, 'utf8');
}

/** Read flags, then environment variables, then defaults; `--token-stdin` reads the token with `readStdin`. */
export function configFromCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env, readStdin: () => string = readStandardInput): CommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(OPTIONS.filter((o) => !o.envOnly).map((o) => [o.flag, { type: o.boolean ? ('boolean' as const) : ('string' as const) }])),
      },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}; see --help`);
  }
  if (values.help) return { help: true };
  const get = (flag: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const e = env[spec.env];
    return e === undefined || e === '' ? undefined : e;
  };
  const root = get('root');
  if (!root) throw new ConfigError('--root DIR (or CLASSPOD_AGENT_ROOT) is required; see --help');
  const flag = (name: string): boolean => {
    if (values[name] === true) return true;
    const e = env[OPTIONS.find((o) => o.flag === name)!.env];
    return e === '1' || e === 'true';
  };
  let token = get('token');
  const tokenFile = get('token-file');
  const tokenStdin = flag('token-stdin');
  if (tokenFile && tokenStdin) throw new ConfigError('--token-file and --token-stdin both name the token; give one');
  if (tokenStdin) {
    try {
      token = readStdin().trim();
    } catch (err) {
      throw new ConfigError(`cannot read the token from standard input: ${(err as Error).message}`);
    }
    if (!token) throw new ConfigError('--token-stdin: standard input ended without a token');
  } else if (tokenFile) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`cannot read --token-file \`${tokenFile}\`: ${(err as Error).message}`);
    }
  }
  if (!token) throw new ConfigError('a token is required: --token-file FILE, --token-stdin or CLASSPOD_AGENT_TOKEN; see --help');
  const options: AgentOptions = { root, token };
  const listen = get('listen');
  const socket = get('socket');
  if (listen && socket) throw new ConfigError('--listen and --socket both name where to listen; give one');
  if (listen) Object.assign(options, parseListen(listen));
  if (socket) options.socket = socket;
  const size = (flag: string): number | undefined => {
    const v = get(flag);
    return v === undefined ? undefined : sizeOption(v, `--${flag}`);
  };
  const duration = (flag: string): number | undefined => {
    const v = get(flag);
    return v === undefined ? undefined : durationOption(v, `--${flag}`);
  };
  const scrollbackBytes = size('scrollback-bytes');
  if (scrollbackBytes !== undefined) options.scrollbackBytes = scrollbackBytes;
  const maxFileBytes = size('max-file-bytes');
  if (maxFileBytes !== undefined) options.maxFileBytes = maxFileBytes;
  const maxFrameBytes = size('max-frame-bytes');
  if (maxFrameBytes !== undefined) options.maxFrameBytes = maxFrameBytes;
  const count = (flag: string): number | undefined => {
    const v = get(flag);
    return v === undefined ? undefined : parseCount(v, `--${flag}`);
  };
  const maxOpenStreams = count('max-open-streams');
  if (maxOpenStreams !== undefined) options.maxOpenStreams = maxOpenStreams;
  const maxBufferedBytes = size('max-buffered-bytes');
  if (maxBufferedBytes !== undefined) options.maxBufferedBytes = maxBufferedBytes;
  const maxRequestBytes = size('max-request-bytes');
  if (maxRequestBytes !== undefined) options.maxRequestBytes = maxRequestBytes;
  const maxConcurrentRequests = count('max-concurrent-requests');
  if (maxConcurrentRequests !== undefined) options.maxConcurrentRequests = maxConcurrentRequests;
  const idle = duration('terminal-idle-timeout');
  if (idle !== undefined) options.terminalIdleTimeoutMs = idle;
  const slow = duration('slow-reader-timeout');
  if (slow !== undefined) options.slowReaderTimeoutMs = slow;
  const ping = duration('ping-interval');
  if (ping !== undefined) options.pingIntervalMs = ping;
  const shell = get('shell');
  if (shell) options.shell = shell;
  const parent = get('parent-pid');
  const parentPid = parent === undefined ? undefined : parseCount(parent, '--parent-pid');
  return { help: false, config: resolveConfig(options), parentPid };
}
