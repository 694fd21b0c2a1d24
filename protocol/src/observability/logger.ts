// Structured logging: one JSON object per line, with a level, a time, the
// component and fields. Where lines go is injected, so tests can capture them.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

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
  /** Component name, e.g. `agent`. */
  name: string;
  /** Lowest level written; default from CLASSPOD_LOG_LEVEL, else `info`. */
  level?: LogLevel;
  /** Where a line goes; default standard error. */
  write?: (line: string) => void;
}

function defaultLevel(): LogLevel {
  const env = typeof process !== 'undefined' ? process.env.CLASSPOD_LOG_LEVEL : undefined;
  return env && env in rank ? (env as LogLevel) : 'info';
}

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** Create a JSON-lines logger. */
export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const min = rank[options.level ?? defaultLevel()];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (rank[level] < min) return;
    const record: LogFields = { time: new Date().toISOString(), level, component: options.name, msg: message, ...base };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialiseError(v);
    write(JSON.stringify(record));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that writes nothing (for tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ name: 'silent', level: 'silent', write: () => undefined });
