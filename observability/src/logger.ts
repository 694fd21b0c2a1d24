// Structured logging on pino: one JSON object per line with a level, an ISO
// time, the component and fields. A thin adapter keeps Classpod's call shape
// (`log.info(message, fields)`) over pino's (`log.info(fields, message)`), and
// where lines go is injectable so tests and the extension's output channel can
// take them.

import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type LogFields = Record<string, unknown>;

/** A structured logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Component name, e.g. `agent`: the `component` field of every line. */
  name: string;
  /** Lowest level written; default from CLASSPOD_LOG_LEVEL, else `info`. */
  level?: LogLevel;
  /** Where a line goes (without its newline); default standard error. */
  write?: (line: string) => void;
}

function defaultLevel(): LogLevel {
  const env = process.env.CLASSPOD_LOG_LEVEL as LogLevel | undefined;
  return env && LEVELS.includes(env) ? env : 'info';
}

/** Every Error among the fields becomes pino's plain error object, whatever its key (pino itself does `err`). */
function plain(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error && k !== 'err' ? pino.stdSerializers.err(v) : v;
  return out;
}

function adapt(p: pino.Logger): Logger {
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (fields) p[level](plain(fields), message);
      else p[level](message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => adapt(p.child(plain(fields))) };
}

/** Create a JSON-lines logger. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write;
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : process.stderr;
  return adapt(
    pino(
      {
        level: options.level ?? defaultLevel(),
        base: { component: options.name },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    ),
  );
}

/** A logger that writes nothing (for tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ name: 'silent', level: 'silent', write: () => undefined });
