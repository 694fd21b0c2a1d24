// The hub's clock. Deadlines and submission times follow it and nothing else;
// tests inject a manual clock to stand one second before or after a deadline.

import { parseDuration } from '@classpod/protocol';

/** A source of the current time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to (tests). */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string | number) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(to: Date | string | number): void {
    this.ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A clock `offsetMs` ahead of the system clock (the demo; tests of a hub in a child process). */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}

/**
 * An instant written absolutely (ISO 8601) or relative to `base` (`+7d`,
 * `-1h`, `+90m`, `+30s`, combinations such as `+1d12h`: the durations of
 * `@classpod/protocol`'s `parseDuration`). Undefined for bad text.
 */
export function parseInstant(text: string, base: Date): Date | undefined {
  const rel = /^([+-])(.*)$/.exec(text.trim());
  if (rel) {
    const ms = parseDuration(rel[2]!);
    return ms === undefined ? undefined : new Date(base.getTime() + (rel[1] === '-' ? -ms : ms));
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t);
}
