// When a browser session is renewed, and what the timer does when a renewal
// fails: on a clock and timers the test moves by hand.

import * as assert from 'node:assert/strict';
import { MAX_TIMER_MS, renewalDelayMs, RenewalTimer, type RenewalFailure, type Timers } from '../../../src/session/renewal-schedule';

/** Timers on a hand-moved clock: `advance` fires what falls due, in order. */
class HandTimers implements Timers {
  private t = Date.parse('2026-12-01T12:00:00Z');
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.queue = this.queue.filter((q) => q.id !== h);
  };
  get pending(): number {
    return this.queue.length;
  }
  /** Move the clock, firing due timers (and letting the promises they start settle). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.t = end;
  }
  iso(msFromNow: number): string {
    return new Date(this.t + msFromNow).toISOString();
  }
}

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('renewal schedule', () => {
  it('renews a 12-hour session ten minutes before it expires, a 5-minute one a minute before, an expired one at once', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    assert.equal(renewalDelayMs(now + 12 * HOUR, now), 12 * HOUR - 10 * MIN);
    assert.equal(renewalDelayMs(now + 20 * MIN, now), 16 * MIN);
    assert.equal(renewalDelayMs(now + 5 * MIN, now), 4 * MIN);
    assert.equal(renewalDelayMs(now + 30_000, now), 0);
    assert.equal(renewalDelayMs(now - HOUR, now), 0);
    assert.equal(renewalDelayMs(now + 90 * 24 * HOUR, now), 90 * 24 * HOUR - 10 * MIN);
  });

  describe('RenewalTimer', () => {
    let timers: HandTimers;
    let given: RenewalFailure[];
    beforeEach(() => {
      timers = new HandTimers();
      given = [];
    });

    it('renews before each expiry, planning the next from the new one', async () => {
      const renewedAt: number[] = [];
      const timer = new RenewalTimer({ timers, onGiveUp: (f) => given.push(f), renew: async () => (renewedAt.push(timers.now()), timers.iso(HOUR)) });
      const start = timers.now();
      timer.schedule(timers.iso(HOUR));
      await timers.advance(HOUR - 10 * MIN - 1);
      assert.equal(renewedAt.length, 0);
      await timers.advance(1);
      assert.deepEqual(renewedAt, [start + 50 * MIN]);
      await timers.advance(50 * MIN);
      assert.deepEqual(renewedAt, [start + 50 * MIN, start + 100 * MIN]);
      timer.stop();
      assert.equal(timers.pending, 0);
      assert.deepEqual(given, []);
    });

    it('tries again with growing pauses while the network fails, then succeeds', async () => {
      let calls = 0;
      const timer = new RenewalTimer({
        timers,
        retryMs: 15_000,
        onGiveUp: (f) => given.push(f),
        renew: async () => {
          if (++calls < 3) throw Object.assign(new Error('cannot be reached'), { retryable: true });
          return timers.iso(HOUR);
        },
      });
      timer.schedule(timers.iso(HOUR));
      await timers.advance(50 * MIN);
      assert.equal(calls, 1);
      await timers.advance(15_000);
      assert.equal(calls, 2);
      await timers.advance(29_999);
      assert.equal(calls, 2, 'the second pause is twice the first');
      await timers.advance(1);
      assert.equal(calls, 3);
      assert.deepEqual(given, []);
      assert.equal(timers.pending, 1, 'the next renewal is planned');
      timer.stop();
    });

    it('gives up at once, once, when the hub refuses the renewal', async () => {
      let calls = 0;
      const timer = new RenewalTimer({
        timers,
        onGiveUp: (f) => given.push(f),
        renew: async () => {
          calls++;
          throw Object.assign(new Error('the identity provider no longer renews this sign-in'), { retryable: false });
        },
      });
      timer.schedule(timers.iso(HOUR));
      await timers.advance(2 * HOUR);
      assert.equal(calls, 1);
      assert.deepEqual(given, [{ retryable: false, message: 'the identity provider no longer renews this sign-in' }]);
      assert.equal(timers.pending, 0);
    });

    it('gives up when the network stays down until the session expires', async () => {
      const timer = new RenewalTimer({ timers, onGiveUp: (f) => given.push(f), renew: async () => Promise.reject(Object.assign(new Error('offline'), { retryable: true })) });
      timer.schedule(timers.iso(HOUR));
      await timers.advance(HOUR);
      assert.equal(given.length, 1);
      assert.equal(given[0]!.retryable, true);
      assert.equal(timers.pending, 0);
    });

    it('waits for a session longer than one timer can (2^31 ms) in steps, renewing it on time', async () => {
      const renewedAt: number[] = [];
      const timer = new RenewalTimer({ timers, onGiveUp: (f) => given.push(f), renew: async () => (renewedAt.push(timers.now()), timers.iso(90 * 24 * HOUR)) });
      const start = timers.now();
      const setTimeout = timers.setTimeout;
      const asked: number[] = [];
      timers.setTimeout = (fn, ms) => (asked.push(ms), setTimeout(fn, ms));
      timer.schedule(timers.iso(90 * 24 * HOUR));
      await timers.advance(90 * 24 * HOUR - 10 * MIN);
      assert.deepEqual(renewedAt, [start + 90 * 24 * HOUR - 10 * MIN]);
      assert.ok(asked.every((ms) => ms <= MAX_TIMER_MS), JSON.stringify(asked));
      timer.stop();
    });

    it('does nothing after stop, even when a renewal was under way', async () => {
      let release: (v: string) => void = () => undefined;
      const timer = new RenewalTimer({ timers, onGiveUp: (f) => given.push(f), renew: () => new Promise<string>((r) => (release = r)) });
      timer.schedule(timers.iso(HOUR));
      await timers.advance(50 * MIN);
      timer.stop();
      release(timers.iso(HOUR));
      await timers.advance(2 * HOUR);
      assert.equal(timers.pending, 0);
      assert.deepEqual(given, []);
    });
  });
});
