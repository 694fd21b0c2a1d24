import * as assert from 'node:assert/strict';
import { DeadlineWatch, type Clock, type Reminder } from '../../../src/deadlines/deadline-watch';

/** A clock the test moves by hand; timers fire when it passes them. */
class ManualClock implements Clock {
  private t = Date.parse('2026-11-24T12:00:00Z');
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const HOUR = 3_600_000;

describe('DeadlineWatch', function () {
  it('reminds 24 hours, 1 hour and 10 minutes before, once each', function () {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const seen: string[] = [];
    watch.onReminder((r: Reminder) => seen.push(r.threshold.label));
    watch.update([{ key: 'cs101/a', title: 'A', dueAt: new Date(clock.now() + 48 * HOUR) }]);
    clock.advance(23 * HOUR);
    assert.deepEqual(seen, []);
    clock.advance(2 * HOUR);
    assert.deepEqual(seen, ['24 hours']);
    clock.advance(22 * HOUR + 30 * 60_000);
    assert.deepEqual(seen, ['24 hours', '1 hour']);
    clock.advance(25 * 60_000);
    assert.deepEqual(seen, ['24 hours', '1 hour', '10 minutes']);
    clock.advance(HOUR);
    assert.deepEqual(seen, ['24 hours', '1 hour', '10 minutes']);
    assert.equal(clock.pending, 0, 'no timer left once the deadline passed');
    watch.dispose();
  });

  it('shows only the most urgent reminder when starting late, and not again on update', function () {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const seen: string[] = [];
    watch.onReminder((r) => seen.push(`${r.deadline.key} ${r.threshold.label}`));
    const deadlines = [{ key: 'cs101/b', title: 'B', dueAt: new Date(clock.now() + 30 * 60_000) }];
    watch.update(deadlines);
    watch.update(deadlines);
    assert.deepEqual(seen, ['cs101/b 1 hour']);
    clock.advance(21 * 60_000);
    assert.deepEqual(seen, ['cs101/b 1 hour', 'cs101/b 10 minutes']);
    watch.dispose();
  });

  it('reminds again when the due time moves (an extension)', function () {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const seen: string[] = [];
    watch.onReminder((r) => seen.push(r.threshold.label));
    watch.update([{ key: 'k', title: 'K', dueAt: new Date(clock.now() + 5 * 60_000) }]);
    watch.update([{ key: 'k', title: 'K', dueAt: new Date(clock.now() + 2 * HOUR) }]);
    clock.advance(HOUR + 60_000);
    assert.deepEqual(seen, ['10 minutes', '24 hours', '1 hour']);
    watch.dispose();
  });

  it('names the nearest open deadline', function () {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    watch.update([
      { key: 'past', title: 'P', dueAt: new Date(clock.now() - HOUR) },
      { key: 'later', title: 'L', dueAt: new Date(clock.now() + 5 * HOUR) },
      { key: 'soon', title: 'S', dueAt: new Date(clock.now() + 2 * HOUR) },
    ]);
    assert.equal(watch.nearest()?.deadline.key, 'soon');
    assert.equal(watch.nearest()?.remainingMs, 2 * HOUR);
    watch.dispose();
  });

  it('refreshes a countdown just after the shown value changes', function () {
    assert.equal(DeadlineWatch.refreshDelay(2 * 86_400_000 + 30_500), 30_501);
    assert.equal(DeadlineWatch.refreshDelay(5 * 60_000 + 250), 251);
    assert.equal(DeadlineWatch.refreshDelay(5 * 60_000), 1001);
  });
});
