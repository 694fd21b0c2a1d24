// Reading a new due time as a professor types it: an ISO instant
// (`2026-12-01T23:59:00Z`), a local date and time (`2026-12-01 23:59`), or a
// shift from the current due time (`+2d`, `+36h`, `+90m`, `+1d12h`: the
// durations of `@classpod/protocol`'s `parseDuration`).

import { parseDuration } from '@classpod/protocol';

/** The instant, or an error message that says what is accepted. */
export function parseDueTime(text: string, currentDue: Date | undefined, now: Date): { dueAt: Date } | { error: string } {
  const t = text.trim();
  const shift = /^\+(.+)$/.exec(t);
  if (shift) {
    const ms = parseDuration(shift[1]!.replace(/\s+/g, '').toLowerCase());
    const dueAt = ms === undefined ? undefined : new Date((currentDue ?? now).getTime() + ms);
    if (dueAt && !Number.isNaN(dueAt.getTime())) return { dueAt };
  }
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(t);
  if (local) {
    const [, y, mo, d, h, mi] = local.map(Number) as [number, number, number, number, number, number];
    const date = new Date(y, mo - 1, d, h, mi);
    if (date.getMonth() !== mo - 1 || date.getDate() !== d) return { error: `${t} is not a date` };
    return { dueAt: date };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return { dueAt: new Date(ms) };
  }
  return { error: 'Write a date and time like 2026-12-01 23:59 (your time zone), an ISO instant, or a shift like +2d or +12h.' };
}
