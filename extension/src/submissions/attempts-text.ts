// How an assignment's submission limits read for a student: "3 of 5
// submissions left", and while the minimum interval runs "next submission
// allowed at 14:20". The hub counts and enforces (hub/src/submissions/
// attempt-policy.ts); these words only show what it said.

import { ErrorCode, plural, ProtocolError, type SubmissionAttempts, type SubmissionLimitData } from '@classpod/protocol';
import { formatClockTime } from '../deadlines/time-format';

/** "3 of 5 submissions left" (undefined without an attempt limit). */
export function attemptsLeftText(a: SubmissionAttempts): string | undefined {
  if (a.allowed === undefined || a.remaining === undefined) return undefined;
  if (a.remaining === 0) return `no submissions left (${a.used} of ${a.allowed} used)`;
  return `${a.remaining} of ${plural(a.allowed, 'submission')} left`;
}

/** "next submission allowed at 14:20", while the hub's minimum interval still runs at `now`. */
export function nextAllowedText(a: SubmissionAttempts, now: Date, timeZone?: string): string | undefined {
  if (!a.nextAllowedAt) return undefined;
  const next = new Date(a.nextAllowedAt);
  if (next.getTime() <= now.getTime()) return undefined;
  return `next submission allowed at ${formatClockTime(next, now, timeZone)}`;
}

/** Both, joined: "3 of 5 submissions left · next submission allowed at 14:20"; undefined when neither applies. */
export function attemptsText(a: SubmissionAttempts | undefined, now: Date, timeZone?: string): string | undefined {
  if (!a) return undefined;
  const parts = [attemptsLeftText(a), a.remaining === 0 ? undefined : nextAllowedText(a, now, timeZone)].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(' · ') : undefined;
}

/** The hub's refusal of a submission for its limits, with its data; undefined for any other error. */
export function submissionLimitOf(err: unknown): { message: string; data?: SubmissionLimitData } | undefined {
  if (!(err instanceof ProtocolError) || err.code !== ErrorCode.SubmissionLimit) return undefined;
  const data = err.data as SubmissionLimitData | undefined;
  return { message: err.message, ...(data && typeof data === 'object' && 'rule' in data ? { data } : {}) };
}

/**
 * What the student reads when the hub refused the submission for its limits:
 * the hub's own message, and, when it said so, the time the next is allowed.
 * `queued`: it had waited for the course server; it is dropped, not retried.
 */
export function limitRefusalText(title: string, refusal: { message: string; data?: SubmissionLimitData }, now: Date, queued: boolean, timeZone?: string): string {
  const next = refusal.data && refusal.data.rule === 'minInterval' ? nextAllowedText(refusal.data.attempts, now, timeZone) : undefined;
  const dropped = queued ? ' The waiting submission was dropped; nothing was handed in.' : '';
  return `“${title}” was not submitted: ${refusal.message}.${next ? ` ${next[0]!.toUpperCase()}${next.slice(1)}.` : ''}${dropped}`;
}
