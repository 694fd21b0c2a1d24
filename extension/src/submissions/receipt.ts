// The words around a submission: the confirmation that shows the deadline,
// and the receipt that names the snapshot, the server time and lateness.

import type { AssignmentSummary, SubmissionAttempts, SubmissionSummary } from '@classpod/protocol';
import { attemptsText } from './attempts-text';
import { formatAbsolute, formatRelative } from '../deadlines/time-format';
import type { ScoreChanged } from '../session/hub-events';
import { formatScore, overrideText, rubricPoints } from '../results/result-text';

/** The question asked before submitting, and its detail lines. */
export function confirmation(a: AssignmentSummary, now: Date, timeZone?: string): { message: string; detail: string } {
  const lines: string[] = [];
  if (a.dueAt) {
    const due = new Date(a.dueAt);
    const late = due.getTime() < now.getTime();
    lines.push(`Due ${formatAbsolute(due, timeZone)} — ${late ? `${formatRelative(due, now).replace(' ago', '')} ago` : formatRelative(due, now)}${a.extended ? ' (extended for you)' : ''}.`);
    if (late) {
      const cutoff = a.latePolicy.cutoffAt ? ` until ${formatAbsolute(new Date(a.latePolicy.cutoffAt), timeZone)}` : '';
      lines.push(
        a.latePolicy.cutoffAt || a.latePolicy.penaltyPercentPerDay > 0
          ? `This submission is late: ${a.latePolicy.penaltyPercentPerDay}% off per started day${cutoff}.`
          : 'This submission is late.',
      );
    }
  } else lines.push('This assignment has no due time.');
  if (a.latestSubmissionId) lines.push('Your latest submission is replaced as the one graded.');
  const attempts = attemptsText(a.attempts, now, timeZone);
  if (attempts) lines.push(`Submissions: ${attempts}${a.attempts?.allowed !== undefined ? '; this one uses one' : ''}.`);
  lines.push('What your workspace holds now is handed in, after your latest edits here are synced.');
  return { message: `Submit “${a.title}”?`, detail: lines.join('\n') };
}

/** The receipt shown after a submission; `attempts`, the hub's count after it, when the assignment limits submissions. */
export function receipt(title: string, s: SubmissionSummary, serverTime: string, timeZone?: string, attempts?: SubmissionAttempts): string {
  const at = formatAbsolute(new Date(s.submittedAt || serverTime), timeZone);
  const late = s.late ? `late (−${s.penaltyPercent}%)` : 'on time';
  const left = attemptsText(attempts, new Date(serverTime), timeZone);
  return `Submitted “${title}” at ${at} (server time), ${late}. Snapshot ${s.snapshotHash.slice(0, 12)} · ${s.fileCount} file${s.fileCount === 1 ? '' : 's'}.${left ? ` ${left[0]!.toUpperCase()}${left.slice(1)}.` : ''}`;
}

/** What a score event announces: "“Hello, C” graded: 8/10.", or the score staff set with their comment. */
export function gradedMessage(title: string, e: Pick<ScoreChanged, 'score' | 'maxScore' | 'status' | 'cause' | 'override' | 'rubricPoints' | 'lateness'>): string {
  if (e.override && e.score !== undefined) return `“${title}”: ${overrideText(e.override, e.maxScore, 'your professor')}`;
  if (e.cause === 'rubric' && e.score !== undefined) {
    const points = e.rubricPoints !== undefined ? ` (rubric ${rubricPoints(e.rubricPoints)})` : ' (no rubric items applied)';
    return `“${title}”: your professor graded it with the rubric; the score is ${formatScore(e.score, e.maxScore)}${points}. Show Results lists the items.`;
  }
  if (e.cause === 'lateness' && e.score !== undefined) {
    const penalty = !e.lateness?.late ? 'on time' : e.lateness.penaltyPercent ? `a late penalty of ${e.lateness.penaltyPercent}%` : 'late, with no penalty';
    return `“${title}”: judged again by your deadline as it is now (an extension, late days or new dates): ${penalty}; the score is ${formatScore(e.score, e.maxScore)}.`;
  }
  if (e.cause === 'override' && e.score !== undefined) return `“${title}”: the score set by hand was removed; it is ${formatScore(e.score, e.maxScore)} again.`;
  if (e.status === 'failed' || e.score === undefined) return `Grading of “${title}” did not finish (${e.status}). Your professor can see why.`;
  return `“${title}” graded: ${formatScore(e.score, e.maxScore)}.`;
}
