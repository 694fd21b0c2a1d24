import * as assert from 'node:assert/strict';
import { RedrawSchedule, type ScheduleClock } from '../../../src/deadlines/redraw-schedule';

/** A clock the test moves by hand, with the timers set on it. */
class ManualClock implements ScheduleClock {
  time = 1_000_000;
  private timers = new Map<number, { at: number; run: () => void }>();
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Move the clock on, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = end;
  }
}

describe('redraw schedule of rows with relative times', function () {
  it('redraws each row when its words change, with one timer for all of them', function () {
    const clock = new ManualClock();
    const redrawn: string[][] = [];
    const schedule = new RedrawSchedule<string>((rows) => redrawn.push(rows), () => clock.now(), clock);
    schedule.note('ada', clock.time + 5_000);
    schedule.note('grace', clock.time + 30_000);
    schedule.note('alan', clock.time + 5_000);
    assert.equal(clock.pending, 1, 'one timer');
    clock.advance(4_999);
    assert.deepEqual(redrawn, []);
    clock.advance(1);
    assert.deepEqual(redrawn, [['ada', 'alan']]);
    clock.advance(25_000);
    assert.deepEqual(redrawn, [['ada', 'alan'], ['grace']]);
    assert.equal(schedule.size, 0);
    assert.equal(clock.pending, 0, 'nothing left to wait for, no timer');
  });

  it('takes a row’s newest time, forgets rows on clear, and stops on dispose', function () {
    const clock = new ManualClock();
    const redrawn: string[][] = [];
    const schedule = new RedrawSchedule<string>((rows) => redrawn.push(rows), () => clock.now(), clock);
    schedule.note('ada', clock.time + 60_000);
    schedule.note('ada', clock.time + 10_000);
    clock.advance(10_000);
    assert.deepEqual(redrawn, [['ada']]);
    schedule.note('grace', clock.time + 10_000);
    schedule.note('grace', undefined);
    schedule.note('alan', clock.time + 10_000);
    schedule.clear();
    clock.advance(60_000);
    assert.deepEqual(redrawn, [['ada']]);
    schedule.note('alan', clock.time + 10_000);
    schedule.dispose();
    assert.equal(clock.pending, 0);
    clock.advance(60_000);
    assert.deepEqual(redrawn, [['ada']]);
  });

  it('waits at least a second between redraws, however many rows fall due', function () {
    const clock = new ManualClock();
    const wakes: number[] = [];
    const schedule = new RedrawSchedule<number>(() => wakes.push(clock.time), () => clock.now(), clock);
    for (let i = 0; i < 300; i++) schedule.note(i, clock.time + i);
    clock.advance(400);
    assert.deepEqual(wakes, [], 'not before a second has passed');
    clock.advance(600);
    assert.equal(wakes.length, 1, 'rows due within the first second come in one redraw');
  });
});
