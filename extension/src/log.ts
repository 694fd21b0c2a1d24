// The extension's logger: the project's structured logger (pino), writing
// one line per event into a sink (the "Classpod" output channel in VS Code, an
// array in tests).

import { createLogger, type Logger, type LogLevel } from '@classpod/observability';

export type { Logger } from '@classpod/observability';

/** A logger for the extension that writes each JSON line to `write`. */
export function extensionLogger(write: (line: string) => void, level: LogLevel = 'info'): Logger {
  return createLogger({ name: 'classpod-vscode', level, write });
}
