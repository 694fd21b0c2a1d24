// Credit-based flow control for binary streams. A receiver grants a window of
// bytes; a sender never has more than that in flight. Pure bookkeeping: the
// endpoint decides when frames go out.

/** Sender side of one stream: queued chunks and the credit it may spend. */
export class StreamSendWindow {
  private credit: number;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private nextSeq = 0;

  constructor(initialCredit: number, private readonly chunkBytes: number) {
    this.credit = initialCredit;
  }

  /** Bytes waiting to be sent. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Bytes the sender may still send before the receiver grants more. */
  get availableCredit(): number {
    return this.credit;
  }

  /** Queue bytes for sending. */
  enqueue(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.queue.push(data);
    this.queuedBytes += data.byteLength;
  }

  /** Add credit granted by the receiver. */
  grant(bytes: number): void {
    this.credit += bytes;
  }

  /** Take the next chunk the credit allows, with its sequence number; undefined when none. */
  takeChunk(): { seq: number; payload: Uint8Array } | undefined {
    if (this.queue.length === 0 || this.credit <= 0) return undefined;
    const limit = Math.min(this.chunkBytes, this.credit);
    const head = this.queue[0]!;
    let payload: Uint8Array;
    if (head.byteLength <= limit) {
      payload = head;
      this.queue.shift();
    } else {
      payload = head.subarray(0, limit);
      this.queue[0] = head.subarray(limit);
    }
    this.queuedBytes -= payload.byteLength;
    this.credit -= payload.byteLength;
    return { seq: this.nextSeq++, payload };
  }
}

/** Receiver side of one stream: checks order and decides when to grant more credit. */
export class StreamReceiveWindow {
  private expectedSeq = 0;
  private outstanding: number;
  private consumedSinceGrant = 0;

  constructor(private readonly window: number) {
    this.outstanding = window;
  }

  /**
   * Account for a data frame. Returns 'ok', 'duplicate' (already seen: drop it),
   * or 'overflow' (sender spent more credit than granted, or skipped a frame).
   */
  accept(seq: number, bytes: number): 'ok' | 'duplicate' | 'overflow' {
    if (seq < this.expectedSeq) return 'duplicate';
    if (seq !== this.expectedSeq || bytes > this.outstanding) return 'overflow';
    this.expectedSeq++;
    this.outstanding -= bytes;
    return 'ok';
  }

  /** The consumer handled `bytes`; returns how many bytes to grant now (0 = not yet). */
  consumed(bytes: number): number {
    this.consumedSinceGrant += bytes;
    if (this.consumedSinceGrant < this.window / 2) return 0;
    const grant = this.consumedSinceGrant;
    this.consumedSinceGrant = 0;
    this.outstanding += grant;
    return grant;
  }
}
