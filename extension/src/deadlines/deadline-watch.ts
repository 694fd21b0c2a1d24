// Watches the student's open deadlines: which one is nearest (for the status
// bar countdown) and when to remind (24 hours, 1 hour and 10 minutes before).
// Time comes from an injected clock so tests can move it; one timer at a time.

import { Emitter, type Disposable, type Event } from '../emitter';

/** Time and timers, injected. `now()` should follow the hub's clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The machine's clock, shifted by `offsetMs` (hub time minus local time). */
export function systemClock(offsetMs: () => number = () => 0): Clock {
  return {
    now: () => Date.now() + offsetMs(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

/** A deadline to watch. */
export interface Deadline {
  /** Stable key, e.g. `cs101/hello-c`. */
  key: string;
  /** What the student calls it, e.g. `Hello, C (CS 101)`. */
  title: string;
  dueAt: Date;
}

/** A reminder threshold: how long before the due time, and how it reads. */
export interface Threshold {
  beforeMs: number;
  label: string;
}

export const DEFAULT_THRESHOLDS: readonly Threshold[] = [
  { beforeMs: 24 * 3_600_000, label: '24 hours' },
  { beforeMs: 3_600_000, label: '1 hour' },
  { beforeMs: 10 * 60_000, label: '10 minutes' },
];

/** A reminder to show. */
export interface Reminder {
  deadline: Deadline;
  threshold: Threshold;
  /** Time left when the reminder fired. */
  remainingMs: number;
}

/** Longest delay a Node timer accepts. */
const MAX_TIMER_MS = 2_147_483_647;

export class DeadlineWatch implements Disposable {
  private deadlines: Deadline[] = [];
  private readonly shown = new Set<string>();
  private timer: unknown;
  private readonly reminders = new Emitter<Reminder>();
  /** Fires once per threshold per deadline; only the most urgent one when several passed at once. */
  readonly onReminder: Event<Reminder> = this.reminders.event;
  private readonly thresholds: readonly Threshold[];

  constructor(private readonly clock: Clock, thresholds: readonly Threshold[] = DEFAULT_THRESHOLDS) {
    this.thresholds = [...thresholds].sort((a, b) => b.beforeMs - a.beforeMs);
  }

  /** Replace the deadlines watched (e.g. after the assignment list changed). */
  update(deadlines: readonly Deadline[]): void {
    this.deadlines = [...deadlines];
    this.evaluate();
  }

  /** The deadline due soonest that has not passed, with the time left. */
  nearest(): { deadline: Deadline; remainingMs: number } | undefined {
    const now = this.clock.now();
    let best: { deadline: Deadline; remainingMs: number } | undefined;
    for (const d of this.deadlines) {
      const remainingMs = d.dueAt.getTime() - now;
      if (remainingMs > 0 && (!best || remainingMs < best.remainingMs)) best = { deadline: d, remainingMs };
    }
    return best;
  }

  /** How often a countdown showing `remainingMs` needs refreshing. */
  static refreshDelay(remainingMs: number): number {
    // Wake just after the shown value changes: minutes when far, seconds when near.
    const step = remainingMs > 24 * 3_600_000 ? 60_000 : 1000;
    return (remainingMs % step || step) + 1;
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.reminders.dispose();
  }

  private evaluate(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    let nextAt = Infinity;
    for (const deadline of this.deadlines) {
      const remainingMs = deadline.dueAt.getTime() - now;
      if (remainingMs <= 0) continue;
      // The most urgent threshold already reached; the ones before it are implied.
      const reached = this.thresholds.filter((t) => remainingMs <= t.beforeMs);
      const urgent = reached[reached.length - 1];
      if (urgent) {
        const key = `${deadline.key}@${deadline.dueAt.getTime()}@${urgent.beforeMs}`;
        if (!this.shown.has(key)) {
          for (const t of reached) this.shown.add(`${deadline.key}@${deadline.dueAt.getTime()}@${t.beforeMs}`);
          this.reminders.fire({ deadline, threshold: urgent, remainingMs });
        }
      }
      const upcoming = this.thresholds.find((t) => remainingMs > t.beforeMs);
      if (upcoming) nextAt = Math.min(nextAt, deadline.dueAt.getTime() - upcoming.beforeMs);
    }
    if (nextAt !== Infinity) {
      const delay = Math.min(MAX_TIMER_MS, Math.max(0, nextAt - now));
      this.timer = this.clock.setTimeout(() => this.evaluate(), delay);
    }
  }
}
