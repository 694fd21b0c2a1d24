// The extension's logger: the protocol package's structured logger, writing
// one line per event into a sink (the "Classpod" output channel in VS Code, an
// array in tests).

import { createLogger, type Logger, type LogLevel } from '@classpod/protocol';

export type { Logger } from '@classpod/protocol';

/** A logger for the extension that writes each JSON line to `write`. */
export function extensionLogger(write: (line: string) => void, level: LogLevel = 'info'): Logger {
  return createLogger({ name: 'classpod-vscode', level, write });
}
