// A shell in the student's workspace, run by the agent through a pty and
// reached through the course server's gateway. Output arrives on a binary
// stream with absolute byte offsets; when the connection drops, the terminal
// reattaches from the last offset it received, so nothing is shown twice and
// what it missed is replayed. When the hub paused the workspace for idleness,
// the terminal waits for a key: that key reconnects (which starts the
// workspace) instead of being typed, and a new shell opens in place of the one
// the stop ended; the screen keeps its scrollback, which lives on the client.
// Plain logic: the Pseudoterminal wraps it.

import {
  TerminalAttachRequest,
  TerminalCloseRequest,
  TerminalExitedNotification,
  TerminalOpenRequest,
  TerminalResizeRequest,
  type BinaryStream,
  type RpcEndpoint,
} from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import { DisposableStore, Emitter, type Disposable, type Event } from '../emitter';
import type { ReconnectingConnection } from '../connection/reconnecting-connection';

/** Where the terminal's connection comes from (a ReconnectingConnection fits). */
export type TerminalConnection = Pick<ReconnectingConnection, 'ready' | 'onDidConnect' | 'onDidChangeState' | 'retryNow'>;

export interface RemoteTerminalOptions {
  cols: number;
  rows: number;
  /** Working directory relative to the workspace root. */
  cwd?: string;
  logger: Logger;
}

/** What the terminal reports besides output. */
export type RemoteTerminalStatus =
  | { kind: 'attached'; replayedFrom: number; lostBytes: number }
  | { kind: 'disconnected'; reason: string }
  /** The hub stopped the workspace for idleness (`reason`: "workspace paused after N min idle"); a key resumes it. */
  | { kind: 'paused'; reason: string }
  /** The workspace runs again after a pause, with a new shell (the old one ended with the stop). */
  | { kind: 'resumed' }
  | { kind: 'exited'; exitCode: number; reason: string };

export class RemoteTerminal implements Disposable {
  private terminalId: string | undefined;
  private stream: BinaryStream | undefined;
  /** Absolute offset just past the last byte shown. */
  private received = 0;
  private cols: number;
  private rows: number;
  private exited = false;
  private disposed = false;
  private attaching: Promise<void> | undefined;
  /** Paused for idleness: the next key resumes instead of being typed. */
  private paused = false;
  /** A resume was asked for and has not connected yet. */
  private resuming = false;
  private decoder = new TextDecoder('utf-8');
  private readonly store = new DisposableStore();
  private readonly data = new Emitter<string>();
  private readonly status = new Emitter<RemoteTerminalStatus>();
  /** Output text, in order, exactly once. */
  readonly onData: Event<string> = this.data.event;
  readonly onStatus: Event<RemoteTerminalStatus> = this.status.event;

  constructor(
    private readonly connection: TerminalConnection,
    private readonly options: RemoteTerminalOptions,
  ) {
    this.cols = options.cols;
    this.rows = options.rows;
  }

  /** The agent's id of the terminal, once opened. */
  get id(): string | undefined {
    return this.terminalId;
  }

  /** Offset just past the last byte received. */
  get offset(): number {
    return this.received;
  }

  /** Start the shell and begin following it across reconnects. */
  async start(): Promise<void> {
    const endpoint = await this.connection.ready();
    this.store.add(
      this.connection.onDidChangeState((s) => {
        if (s.kind === 'offline' && this.terminalId && !this.exited) {
          this.stream = undefined;
          if (s.error.problem === 'paused') {
            this.paused = true;
            this.resuming = false;
            this.status.fire({ kind: 'paused', reason: s.error.message });
          } else if (!this.paused) {
            this.status.fire({ kind: 'disconnected', reason: s.error.message });
          }
        }
      }),
    );
    this.store.add(this.connection.onDidConnect(({ endpoint: next }) => void this.reattach(next)));
    const opened = await endpoint.request(TerminalOpenRequest.type, {
      cols: this.cols,
      rows: this.rows,
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
    });
    this.terminalId = opened.terminalId;
    this.received = opened.offset;
    this.follow(endpoint, opened.streamId);
    this.options.logger.info('terminal opened', { terminalId: opened.terminalId });
  }

  /** Type text (keys, paste, Ctrl-C as \x03). Dropped while disconnected; while paused, a key resumes the workspace instead. */
  input(text: string): void {
    if (this.exited) return;
    if (this.paused) {
      if (!this.resuming) {
        this.resuming = true;
        this.connection.retryNow();
      }
      return;
    }
    this.stream?.write(text);
  }

  /** Change the size; remembered and sent again after a reconnect. */
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    const id = this.terminalId;
    if (!id || this.exited) return;
    void this.connection
      .ready()
      .then((e) => e.request(TerminalResizeRequest.type, { terminalId: id, cols, rows }))
      .catch((err) => this.options.logger.debug('resize not sent', { err }));
  }

  /** Close the shell (kills it in the workspace). */
  async close(): Promise<void> {
    const id = this.terminalId;
    if (id && !this.exited) {
      this.exited = true;
      try {
        const e = await this.connection.ready();
        await e.request(TerminalCloseRequest.type, { terminalId: id });
      } catch (err) {
        this.options.logger.debug('terminal close not sent', { err });
      }
    }
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.exited = true;
    this.stream?.end('closed');
    this.store.dispose();
    this.data.dispose();
    this.status.dispose();
  }

  private follow(endpoint: RpcEndpoint, streamId: number): void {
    const stream = endpoint.openStream(streamId);
    this.stream = stream;
    const removeExit = endpoint.onNotification(TerminalExitedNotification.type, (p) => {
      if (p.terminalId !== this.terminalId || this.exited) return;
      this.exited = true;
      this.status.fire({ kind: 'exited', exitCode: p.exitCode, reason: p.reason });
    });
    endpoint.onClose(() => removeExit());
    stream.onData((chunk) => {
      this.received += chunk.byteLength;
      const text = this.decoder.decode(chunk, { stream: true });
      if (text) this.data.fire(text);
    });
    stream.onEnd(() => {
      if (this.stream === stream) this.stream = undefined;
    });
  }

  private async reattach(endpoint: RpcEndpoint): Promise<void> {
    const id = this.terminalId;
    if (!id || this.exited || this.disposed) return;
    if (this.attaching) return this.attaching;
    this.attaching = (async () => {
      if (this.paused) {
        // The stop ended the shell: a new one, in the same place.
        try {
          const opened = await endpoint.request(TerminalOpenRequest.type, {
            cols: this.cols,
            rows: this.rows,
            ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
          });
          this.paused = false;
          this.resuming = false;
          this.terminalId = opened.terminalId;
          this.received = opened.offset;
          this.decoder = new TextDecoder('utf-8');
          this.follow(endpoint, opened.streamId);
          this.status.fire({ kind: 'resumed' });
          this.options.logger.info('terminal resumed', { terminalId: opened.terminalId });
        } catch (err) {
          this.exited = true;
          this.status.fire({ kind: 'exited', exitCode: -1, reason: (err as Error).message });
        } finally {
          this.attaching = undefined;
        }
        return;
      }
      try {
        const from = this.received;
        const attached = await endpoint.request(TerminalAttachRequest.type, { terminalId: id, fromOffset: from });
        const lostBytes = Math.max(0, attached.offset - from);
        this.received = attached.offset;
        this.decoder = new TextDecoder('utf-8');
        this.follow(endpoint, attached.streamId);
        this.status.fire({ kind: 'attached', replayedFrom: from, lostBytes });
        if (attached.cols !== this.cols || attached.rows !== this.rows) this.resize(this.cols, this.rows);
        this.options.logger.info('terminal reattached', { terminalId: id, fromOffset: from, lostBytes });
      } catch (err) {
        // The terminal ended while we were away (agent restarted, idle timeout).
        this.exited = true;
        this.status.fire({ kind: 'exited', exitCode: -1, reason: (err as Error).message });
      } finally {
        this.attaching = undefined;
      }
    })();
    return this.attaching;
  }
}
