// A terminal into one student's workspace, for course staff. The hub records
// the entry in its audit log (`workspaces/openTerminal`) and names the gateway
// path; the shell then runs through the agent like the student's own, and
// survives network drops the same way.

import * as vscode from 'vscode';
import type { Logger } from '@classpod/observability';
import { ReconnectingConnection } from '../../connection/reconnecting-connection';
import { WORKSPACE_CAPABILITIES } from '../../connection/workspace-connections';
import type { OpenedEndpoint } from '../../connection/open-endpoint';
import { RemoteTerminal } from '../../terminals/remote-terminal';

const dim = (text: string): string => `\r\n\x1b[2m${text}\x1b[0m\r\n`;

/** A Pseudoterminal whose shell runs in a student's workspace. */
export class StudentWorkspacePty implements vscode.Pseudoterminal {
  private readonly writes = new vscode.EventEmitter<string>();
  private readonly closes = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writes.event;
  readonly onDidClose = this.closes.event;
  private remote: RemoteTerminal | undefined;
  private connection: ReconnectingConnection | undefined;
  /** Everything written to the screen (tests read it). */
  transcript = '';

  constructor(
    private readonly openPath: (path: string, capabilities: string[]) => Promise<OpenedEndpoint>,
    private readonly connectPath: string,
    private readonly who: string,
    private readonly logger: Logger,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.connection = new ReconnectingConnection(() => this.openPath(this.connectPath, WORKSPACE_CAPABILITIES));
    const remote = new RemoteTerminal(this.connection, { cols: dimensions?.columns ?? 80, rows: dimensions?.rows ?? 24, logger: this.logger });
    this.remote = remote;
    remote.onData((text) => this.write(text));
    remote.onStatus((s) => {
      if (s.kind === 'disconnected') this.write(dim('[connection lost — reconnecting…]'));
      if (s.kind === 'attached') this.write(dim('[reconnected]'));
      if (s.kind === 'exited') {
        this.write(dim(`[the shell ended: ${s.reason}]`));
        this.closes.fire(s.exitCode >= 0 ? s.exitCode : undefined);
      }
    });
    this.write(dim(`Entering ${this.who}'s workspace (recorded in the course's audit log)…`));
    remote.start().catch((err: Error) => this.write(dim(`Could not open a terminal: ${err.message}`)));
  }

  handleInput(data: string): void {
    this.remote?.input(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.remote?.resize(d.columns, d.rows);
  }

  close(): void {
    void this.remote?.close().finally(() => this.connection?.dispose());
    this.writes.dispose();
    this.closes.dispose();
  }

  private write(text: string): void {
    this.transcript += text;
    if (this.transcript.length > 200_000) this.transcript = this.transcript.slice(-100_000);
    this.writes.fire(text);
  }
}
