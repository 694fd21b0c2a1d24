// A binary stream multiplexed over a Classpod connection: bytes queued under the
// receiver's credit, delivered to one listener (chunks that arrive before it is
// set are kept), ended once by either side. The endpoint that owns the
// connection (rpc-endpoint.ts) schedules its frames; this file only holds one
// stream's state.

import type { StreamReceiveWindow, StreamSendWindow } from './flow-control';

/** @internal What a stream needs of the endpoint that multiplexes it (RpcEndpoint). */
export interface BinaryStreamHost {
  readonly options: { readonly streamWindowBytes: number };
  _whenReady(ready: () => boolean): Promise<void>;
  _pump(): void;
  _grant(streamId: number, bytes: number): void;
  _endStream(stream: BinaryStream, reason: string | undefined): void;
}

/** A binary stream multiplexed over the connection. */
export class BinaryStream {
  private dataListener: ((chunk: Uint8Array) => void) | undefined;
  private endListener: ((reason: string | undefined) => void) | undefined;
  private readonly early: Uint8Array[] = [];
  private ended = false;
  private endReason: string | undefined;

  /** @internal */
  constructor(
    readonly id: number,
    private readonly endpoint: BinaryStreamHost,
    /** @internal */ readonly send: StreamSendWindow,
    /** @internal */ readonly receive: StreamReceiveWindow,
  ) {}

  /** Bytes queued for sending and not yet allowed out by the receiver's credit. */
  get pendingBytes(): number {
    return this.send.pendingBytes;
  }

  /**
   * Resolves once at most `highWater` bytes (default: one credit window) are
   * queued on this stream, or it ended. A writer that awaits this before each
   * write holds at most `highWater` plus one chunk for a reader that gives no credit.
   */
  drained(highWater = this.endpoint.options.streamWindowBytes): Promise<void> {
    return this.endpoint._whenReady(() => this.ended || this.send.pendingBytes <= highWater);
  }

  /** Queue bytes; they go out as credit allows, fairly with other streams. Writers of large content await `drained()` between writes. */
  write(data: Uint8Array | string): void {
    if (this.ended) return;
    this.send.enqueue(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    this.endpoint._pump();
  }

  /** Receive data; chunks that arrived before a listener was set are delivered first. */
  onData(listener: (chunk: Uint8Array) => void): void {
    this.dataListener = listener;
    for (const chunk of this.early.splice(0)) this.deliver(chunk);
  }

  /** Called once when the other side ends or resets the stream, or the connection closes. */
  onEnd(listener: (reason: string | undefined) => void): void {
    this.endListener = listener;
    if (this.ended) listener(this.endReason);
  }

  /** End the stream (after queued data has gone out) and tell the other side. */
  end(reason?: string): void {
    if (this.ended) return;
    this.endpoint._endStream(this, reason);
  }

  /** @internal */
  deliver(chunk: Uint8Array): void {
    if (!this.dataListener) {
      this.early.push(chunk);
      return;
    }
    try {
      this.dataListener(chunk);
    } finally {
      const grant = this.receive.consumed(chunk.byteLength);
      if (grant > 0) this.endpoint._grant(this.id, grant);
    }
  }

  /** @internal */
  finish(reason: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    this.endListener?.(reason);
  }

  get isEnded(): boolean {
    return this.ended;
  }
}
