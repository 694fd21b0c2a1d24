// How times read in the student's view: a due time both relative ("in 3 days")
// and absolute in the student's own time zone, and a compact countdown.

import { plural } from '@classpod/protocol';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;


/** "in 2 days", "in 3 hours", "in 12 minutes", "in less than a minute", "5 hours ago". */
export function formatRelative(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  if (Math.abs(diff) < MINUTE) return diff >= 0 ? 'in less than a minute' : 'just now';
  const text = formatSpan(Math.abs(diff));
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** How long since `start`, as a workspace's uptime: "less than a minute", "11 minutes", "2 hours 5 minutes". */
export function formatElapsed(start: Date, now: Date): string {
  const elapsed = Math.max(0, now.getTime() - start.getTime());
  return elapsed < MINUTE ? 'less than a minute' : formatSpan(elapsed);
}

/** A span of at least a minute, in the words formatRelative uses. */
function formatSpan(abs: number): string {
  if (abs < HOUR) return plural(Math.floor(abs / MINUTE), 'minute');
  if (abs < 2 * DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return hours < 10 && minutes > 0 ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}` : plural(hours, 'hour');
  }
  return plural(Math.floor(abs / DAY), 'day');
}

/** "8 Dec, 23:59": a due time where space is short (a column heading), in the given (default: local) time zone. */
export function formatShort(target: Date, timeZone: string = localTimeZone(), locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(target);
}

/**
 * When the words formatRelative (or formatElapsed) gives for `target` next change, as seen at `now`:
 * minutes count under ten hours, hours under two days, days beyond. A view redraws a row then, and
 * not every second.
 */
export function relativeTextChangesAt(target: Date, now: Date): Date {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const unit = abs < 10 * HOUR ? MINUTE : abs < 2 * DAY ? HOUR : DAY;
  // Past: the span grows to the next whole unit. Future: it shrinks below the current whole unit.
  return new Date(now.getTime() + (diff < 0 ? unit - (abs % unit) : (abs % unit) + 1));
}

/** The time zone this process shows times in (the student's own). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "Fri, 28 Nov 2026, 23:59 (Europe/Paris)" in the given (default: local) time zone. */
export function formatAbsolute(target: Date, timeZone: string = localTimeZone(), locale = 'en-GB'): string {
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(target);
  return `${text} (${timeZone})`;
}

/** A countdown for the status bar: "2d 04:05", "04:05:09", "00:09:59"; "overdue" once past. */
export function formatCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return 'overdue';
  const total = Math.floor(remainingMs / 1000);
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return days > 0 ? `${days}d ${two(h)}:${two(m)}` : `${two(h)}:${two(m)}:${two(s)}`;
}

/** A time later today as "14:20"; on another day "Wed 2 Dec, 14:20" (in the given, default local, time zone). */
export function formatClockTime(target: Date, now: Date, timeZone: string = localTimeZone(), locale = 'en-GB'): string {
  const day = (d: Date): string => new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(target);
  if (day(target) === day(now)) return time;
  return `${new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(target)}, ${time}`;
}
