// When to renew a browser sign-in's session, and the timer that does it. The
// session is renewed well before it expires (a fifth of what is left, at least
// one minute and at most ten before), so a slow network or a sleeping laptop
// still finds it valid; a renewal that fails for want of a network is tried
// again with growing pauses, never past the expiry; one the hub refuses stops
// the timer and is reported once. Clock and timers are injected so tests
// decide the time.

import { Backoff } from '@classpod/protocol';

/** The longest pause between two tries of a renewal (ms). */
const MAX_RETRY_MS = 5 * 60_000;

/** How far before the expiry to renew (ms): a fifth of the time left, between one and ten minutes, never more than what is left. */
export function renewalLeadMs(leftMs: number): number {
  return Math.min(Math.max(leftMs, 0), Math.max(60_000, Math.min(10 * 60_000, leftMs / 5)));
}

/** Node's timers fire at once beyond 2^31-1 ms: wait at most this long, then look again. */
export const MAX_TIMER_MS = 2_147_483_647;

/** How long to wait before renewing a session that expires at `expiresAtMs`, seen at `nowMs`. */
export function renewalDelayMs(expiresAtMs: number, nowMs: number): number {
  const left = expiresAtMs - nowMs;
  return Math.max(0, left - renewalLeadMs(left));
}

/** Why a renewal did not happen. */
export interface RenewalFailure {
  /** True when trying again later may succeed (the network, a hub restart). */
  retryable: boolean;
  message: string;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface RenewalTimerOptions {
  /** Renew; resolves with the new expiry, rejects with a RenewalFailure-like error. */
  renew(): Promise<string>;
  /** The renewal was refused, or the session expired while it could not be renewed: sign in again. */
  onGiveUp(failure: RenewalFailure): void;
  timers?: Timers;
  /** The first pause after a failure that may pass (ms, default 15 s); doubles up to 5 min. */
  retryMs?: number;
}

/** Renews one session before each expiry until stopped or refused. */
export class RenewalTimer {
  private handle: unknown;
  private stopped = false;
  private readonly retries: Backoff;
  private readonly timers: Timers;

  constructor(private readonly options: RenewalTimerOptions) {
    this.timers = options.timers ?? realTimers;
    this.retries = new Backoff({ initialMs: Math.min(options.retryMs ?? 15_000, MAX_RETRY_MS), maxMs: MAX_RETRY_MS });
  }

  /** (Re)plan the renewal of a session that expires at `expiresAt` (ISO time). */
  schedule(expiresAt: string): void {
    if (this.stopped) return;
    this.cancel();
    const at = Date.parse(expiresAt);
    const now = this.timers.now();
    this.plan(at, now + renewalDelayMs(at, now));
  }

  /** Wait until `renewAt` (in steps Node's timers can take), then renew the session that expires at `expiresAtMs`. */
  private plan(expiresAtMs: number, renewAtMs: number): void {
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (this.stopped) return;
      if (this.timers.now() < renewAtMs) this.plan(expiresAtMs, renewAtMs);
      else void this.fire(expiresAtMs);
    }, Math.min(MAX_TIMER_MS, Math.max(0, renewAtMs - this.timers.now())));
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private async fire(expiresAtMs: number): Promise<void> {
    this.handle = undefined;
    if (this.stopped) return;
    try {
      const next = await this.options.renew();
      this.retries.reset();
      this.schedule(next);
    } catch (err) {
      if (this.stopped) return;
      const failure = { retryable: (err as { retryable?: unknown }).retryable === true, message: (err as Error).message };
      const pause = this.retries.next();
      if (!failure.retryable || this.timers.now() + pause >= expiresAtMs) {
        this.stop();
        this.options.onGiveUp(failure);
        return;
      }
      this.handle = this.timers.setTimeout(() => void this.fire(expiresAtMs), pause);
    }
  }
}
