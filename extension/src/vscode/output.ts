// The "Classpod" output channel and the logger that writes into it.

import * as vscode from 'vscode';
import { extensionLogger, type Logger } from '../log';

/** Create the output channel and a logger writing JSON lines into it. */
export function createOutput(): { channel: vscode.OutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Classpod');
  const level = process.env.CLASSPOD_LOG_LEVEL === 'debug' ? 'debug' : 'info';
  return { channel, logger: extensionLogger((line) => channel.appendLine(line), level) };
}
