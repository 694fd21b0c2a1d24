// What one connection may hold in memory for its peer, and the refusals when
// it would hold more. A request that is about to read something into memory
// (a file to answer inline, a pack of files to send) reserves its size first;
// the reservation is refused, before anything is read, when the request would
// read more than `maxRequestBytes`, or when the connection already holds
// `maxBufferedBytes` — bytes queued on its outbound streams that the peer has
// not given credit for, handed to the socket and not yet flushed, or reserved
// by requests in progress. Pure bookkeeping: the endpoint owns one per
// connection and one reservation per request.

import { ErrorCode, ProtocolError } from './errors';

/** The limits, by option name; a refusal names the one it hit in `data.limit`. */
export type ConnectionLimit = 'maxOpenStreams' | 'maxBufferedBytes' | 'maxRequestBytes' | 'maxConcurrentRequests' | 'maxFrameBytes';

/** A refusal because a connection limit would be passed: TooLarge (RateLimited for a count of requests), `data: {limit, max}`. */
export function limitExceeded(limit: ConnectionLimit, max: number, message: string): ProtocolError {
  const code = limit === 'maxConcurrentRequests' ? ErrorCode.RateLimited : ErrorCode.TooLarge;
  return new ProtocolError(code, message, { limit, max });
}

const mib = (n: number): string => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`);

/** The memory a connection holds for its peer. */
export class ConnectionBudget {
  private reservedBytes = 0;

  constructor(
    private readonly limits: { maxBufferedBytes: number; maxRequestBytes: number },
    /** Bytes queued for the peer and not yet flushed (outbound streams and socket). */
    private readonly queuedBytes: () => number,
  ) {}

  /** Everything the connection holds for its peer now: queued plus reserved. */
  get heldBytes(): number {
    return this.queuedBytes() + this.reservedBytes;
  }

  /** A new, empty reservation for one request. */
  forRequest(): RequestReservation {
    return new RequestReservation(this);
  }

  /** @internal */
  _reserve(already: number, bytes: number, what: string): void {
    const { maxRequestBytes, maxBufferedBytes } = this.limits;
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`cannot reserve ${bytes} bytes`);
    if (already + bytes > maxRequestBytes) {
      throw limitExceeded(
        'maxRequestBytes',
        maxRequestBytes,
        `${what} (${mib(bytes)}) would take this request past the ${mib(maxRequestBytes)} one request may read; ask for less at a time`,
      );
    }
    const held = this.heldBytes;
    if (held + bytes > maxBufferedBytes) {
      throw limitExceeded(
        'maxBufferedBytes',
        maxBufferedBytes,
        `this connection already holds ${mib(held)} the client has not taken yet, and ${what} (${mib(bytes)}) would pass its limit of ${mib(maxBufferedBytes)}; read the open streams first`,
      );
    }
    this.reservedBytes += bytes;
  }

  /** @internal */
  _release(bytes: number): void {
    this.reservedBytes -= bytes;
  }
}

/** What one request reserved; released when the request is answered. */
export class RequestReservation {
  private held = 0;
  private released = false;

  constructor(private readonly budget: ConnectionBudget) {}

  /** Bytes reserved so far. */
  get bytes(): number {
    return this.held;
  }

  /**
   * Count `bytes` this request is about to read into memory; throws a TooLarge
   * ProtocolError naming the limit (and reserves nothing) when they do not fit.
   * `what` names them in the refusal, e.g. "the 120 files asked for".
   */
  reserve(bytes: number, what: string): void {
    if (this.released) throw new Error('the request was already answered');
    this.budget._reserve(this.held, bytes, what);
    this.held += bytes;
  }

  /** Give everything back (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget._release(this.held);
  }
}
