// An assignment's limits on official submissions, judged by the hub's clock:
// how many a student may make (`submissions.maxAttempts` plus the extra
// attempts staff granted) and the least time between two of them
// (`submissions.minInterval`). Only a student's own submissions count: the
// deadline's collections and regrades never take an attempt (staff do not
// submit on a student's behalf). Pure: the store counts, this decides.

import type { SubmissionAttempts, SubmissionLimitData, SubmissionLimits } from '@classpod/protocol';
import { plural } from '@classpod/protocol';
import type { Assignment, AttemptCounter } from '../store/records';

/** The assignment's limits, or undefined when it has none. */
export function submissionLimitsOf(a: Assignment): SubmissionLimits | undefined {
  if (a.maxAttempts === undefined && a.minIntervalSeconds === undefined) return undefined;
  return {
    ...(a.maxAttempts !== undefined ? { maxAttempts: a.maxAttempts } : {}),
    ...(a.minIntervalSeconds !== undefined ? { minIntervalSeconds: a.minIntervalSeconds } : {}),
  };
}

/** Where the student stands at `now`. */
export function attemptsView(a: Assignment, c: AttemptCounter, now: Date): SubmissionAttempts {
  const allowed = a.maxAttempts !== undefined ? a.maxAttempts + c.extra : undefined;
  const next = nextAllowed(a, c);
  return {
    used: c.used,
    extra: c.extra,
    ...(allowed !== undefined ? { allowed, remaining: Math.max(0, allowed - c.used) } : {}),
    ...(next && next.getTime() > now.getTime() ? { nextAllowedAt: next.toISOString() } : {}),
  };
}

function nextAllowed(a: Assignment, c: AttemptCounter): Date | undefined {
  if (a.minIntervalSeconds === undefined || c.lastAt === undefined) return undefined;
  return new Date(Date.parse(c.lastAt) + a.minIntervalSeconds * 1000);
}

/** A refusal: the message names the rule, the attempts used and when the next is allowed. */
export interface AttemptRefusal {
  message: string;
  data: SubmissionLimitData;
}

/** Undefined when one more official submission is allowed at `at`, else why not. */
export function judgeAttempt(a: Assignment, c: AttemptCounter, at: Date): AttemptRefusal | undefined {
  const attempts = attemptsView(a, c, at);
  if (attempts.allowed !== undefined && c.used >= attempts.allowed) {
    const granted = c.extra > 0 ? ` (${a.maxAttempts} + ${c.extra} granted)` : '';
    return {
      message: `${a.id} allows ${plural(attempts.allowed, 'official submission')}${granted} and you have used ${c.used}: no submissions are left; ask your course staff for more`,
      data: { rule: 'maxAttempts', attempts },
    };
  }
  if (attempts.nextAllowedAt !== undefined) {
    const used = attempts.allowed !== undefined ? `${c.used} of ${attempts.allowed} used` : `${plural(c.used, 'submission')} so far`;
    return {
      message: `${a.id} allows one official submission every ${intervalText(a.minIntervalSeconds!)} (${used}): the next is allowed at ${attempts.nextAllowedAt}`,
      data: { rule: 'minInterval', attempts },
    };
  }
  return undefined;
}

/** "10 minutes", "1 hour 30 minutes", "45 seconds". */
export function intervalText(seconds: number): string {
  const parts: string[] = [];
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d) parts.push(plural(d, 'day'));
  if (h) parts.push(plural(h, 'hour'));
  if (m) parts.push(plural(m, 'minute'));
  if (s) parts.push(plural(s, 'second'));
  return parts.join(' ');
}
