// Keeps one connection up: opens it, notices when it drops, and opens it again
// with a growing delay. Consumers subscribe to `onDidConnect` to set up what a
// connection needs (notification handlers, terminal reattachment) each time.
// A workspace the hub paused for idleness is not reconnected by itself: the
// student's next action (`retryNow`) does it, which starts the workspace.

import { Backoff, ErrorCode, ProtocolError, WORKSPACE_PAUSED_CLOSE_CODE, type RpcEndpoint } from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';
import { ConnectionError } from './connection-error';
import type { OpenedEndpoint } from './open-endpoint';

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'online'; endpoint: RpcEndpoint }
  | { kind: 'offline'; error: ConnectionError; retryInMs: number | undefined }
  | { kind: 'closed' };

export interface ReconnectOptions {
  /** First retry delay (ms). */
  initialDelayMs?: number;
  /** Longest retry delay (ms). */
  maxDelayMs?: number;
}

/** A connection that comes back by itself. Dispose to close it for good. */
export class ReconnectingConnection implements Disposable {
  private current: ConnectionState = { kind: 'connecting', attempt: 0 };
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private disposed = false;
  private readonly states = new Emitter<ConnectionState>();
  private readonly connects = new Emitter<OpenedEndpoint>();
  private waiters: Array<{ resolve: (e: RpcEndpoint) => void; reject: (e: Error) => void }> = [];
  private readonly initialDelayMs: number;
  private readonly backoff: Backoff;

  /** Fires on every change of state. */
  readonly onDidChangeState: Event<ConnectionState> = this.states.event;
  /** Fires each time a connection is up (first time and after every reconnect). */
  readonly onDidConnect: Event<OpenedEndpoint> = this.connects.event;

  constructor(
    private readonly open: () => Promise<OpenedEndpoint>,
    options: ReconnectOptions = {},
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.backoff = new Backoff({ initialMs: this.initialDelayMs, maxMs: options.maxDelayMs ?? 15_000 });
    void this.connect();
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The endpoint when online. */
  get endpoint(): RpcEndpoint | undefined {
    return this.current.kind === 'online' ? this.current.endpoint : undefined;
  }

  /**
   * The endpoint, waiting for the connection if it is being opened. Rejects
   * at once when offline with a problem a retry cannot fix (token refused).
   */
  ready(): Promise<RpcEndpoint> {
    const s = this.current;
    if (s.kind === 'online') return Promise.resolve(s.endpoint);
    if (s.kind === 'closed') return Promise.reject(new ProtocolError(ErrorCode.Unavailable, 'the connection was closed'));
    if (s.kind === 'offline' && !s.error.retryable) return Promise.reject(s.error);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Try again now instead of waiting for the next retry. */
  retryNow(): void {
    if (this.disposed || this.current.kind === 'online' || this.current.kind === 'connecting') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  /** Close the connection and stop reconnecting. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const endpoint = this.endpoint;
    this.setState({ kind: 'closed' });
    endpoint?.close(1000, 'signed out');
    for (const w of this.waiters.splice(0)) w.reject(new ProtocolError(ErrorCode.Unavailable, 'the connection was closed'));
    this.states.dispose();
    this.connects.dispose();
  }

  private async connect(): Promise<void> {
    this.attempt++;
    this.setState({ kind: 'connecting', attempt: this.attempt });
    let opened: OpenedEndpoint;
    try {
      opened = await this.open();
    } catch (err) {
      if (this.disposed) return;
      const error = err instanceof ConnectionError ? err : new ConnectionError('unreachable', String((err as Error)?.message ?? err));
      // A refused token or a wrong address will not fix itself: wait for the student.
      const retryInMs = error.retryable ? this.backoff.next() : undefined;
      this.setState({ kind: 'offline', error, retryInMs });
      if (!error.retryable) for (const w of this.waiters.splice(0)) w.reject(error);
      if (retryInMs !== undefined) this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
      return;
    }
    if (this.disposed) {
      opened.endpoint.close(1000, 'closed while connecting');
      return;
    }
    this.attempt = 0;
    this.backoff.reset();
    const { endpoint } = opened;
    endpoint.onClose((code, reason) => {
      if (this.disposed || this.endpoint !== endpoint) return;
      if (code === WORKSPACE_PAUSED_CLOSE_CODE) {
        // Reconnecting would start the workspace again at once: wait for the student (`retryNow`).
        this.setState({ kind: 'offline', error: new ConnectionError('paused', reason || 'workspace paused'), retryInMs: undefined });
        return;
      }
      const error = new ConnectionError('unreachable', `the connection dropped (${code}${reason ? ` ${reason}` : ''})`);
      this.setState({ kind: 'offline', error, retryInMs: this.initialDelayMs });
      this.retryTimer = setTimeout(() => void this.connect(), this.initialDelayMs);
    });
    this.setState({ kind: 'online', endpoint });
    this.connects.fire(opened);
    for (const w of this.waiters.splice(0)) w.resolve(endpoint);
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.states.fire(state);
  }
}
