// Redraws rows that show relative times ("up 11 minutes", "due in 3 hours")
// when their words change, and only then: each row says when its text next
// changes (relativeTextChangesAt), and one timer wakes for the earliest. A view
// of 300 rows redraws a handful of them a minute instead of all of them.

import type { Disposable } from '../emitter';

/** The clock and timer a schedule runs on (the hub's clock in a view of hub times). */
export interface ScheduleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock = (now: () => number): ScheduleClock => ({
  now,
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** Never wake sooner than this from now (rows falling due close together come in one redraw). */
const MIN_DELAY_MS = 1000;
/** Timers cannot wait longer than about 24.8 days; wake a day ahead at most and look again. */
const MAX_DELAY_MS = 24 * 3600_000;

export class RedrawSchedule<Row> implements Disposable {
  private readonly due = new Map<Row, number>();
  private timer: unknown;
  private timerAt: number | undefined;
  private readonly clock: ScheduleClock;

  /** `redraw` gets the rows whose text changed; `now` is the clock their times are on. */
  constructor(
    private readonly redraw: (rows: Row[]) => void,
    now: () => number,
    clock?: ScheduleClock,
  ) {
    this.clock = clock ?? realClock(now);
  }

  /** The row's text next changes at `at` (ms on the schedule's clock); undefined: it never does. */
  note(row: Row, at: number | undefined): void {
    if (at === undefined) this.due.delete(row);
    else this.due.set(row, at);
    this.arm();
  }

  /** Forget every row (the view shows other rows now). */
  clear(): void {
    this.due.clear();
    this.arm();
  }

  /** How many rows wait for a redraw. */
  get size(): number {
    return this.due.size;
  }

  dispose(): void {
    this.due.clear();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    let earliest = Infinity;
    for (const at of this.due.values()) if (at < earliest) earliest = at;
    if (earliest === Infinity) {
      if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
      this.timer = this.timerAt = undefined;
      return;
    }
    const wakeAt = Math.max(earliest, this.clock.now() + MIN_DELAY_MS);
    if (this.timer !== undefined && this.timerAt !== undefined && this.timerAt <= wakeAt) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAt = wakeAt;
    this.timer = this.clock.setTimeout(() => this.wake(), Math.min(wakeAt - this.clock.now(), MAX_DELAY_MS));
  }

  private wake(): void {
    this.timer = this.timerAt = undefined;
    const now = this.clock.now();
    const rows: Row[] = [];
    for (const [row, at] of this.due) if (at <= now) rows.push(row);
    for (const row of rows) this.due.delete(row);
    this.arm();
    if (rows.length) this.redraw(rows);
  }
}
