// Exponential backoff: how long to wait before the next try of something that
// failed (a redial, a restarted watch). Pure: it only counts; each caller owns
// its timer. The delay starts at `initialMs`, doubles after every wait, never
// exceeds `maxMs`, and starts over after a success.

/** Options of a `Backoff`: the first and the longest delay (ms). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** The growing delay between tries. */
export class Backoff {
  private nextMs: number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
      throw new RangeError(`backoff needs 0 < initialMs <= maxMs, not ${options.initialMs} and ${options.maxMs}`);
    }
    this.nextMs = options.initialMs;
  }

  /** The delay to wait now; the one after it is twice as long, up to `maxMs`. */
  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.options.maxMs);
    return delay;
  }

  /** After a success: the next delay is `initialMs` again. */
  reset(): void {
    this.nextMs = this.options.initialMs;
  }
}
