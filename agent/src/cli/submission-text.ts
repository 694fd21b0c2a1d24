// How `classpod` words what the hub says of a submission: the receipt after
// `classpod submit` and the latest score in `classpod status`. Pure, so what a
// student reads is tested without a hub; data fields pass through `inline`.

import { formatBytes, type SubmissionSummary } from '@classpod/protocol';
import { inline } from './terminal-text';

/** The receipt lines: hub time, on time or late, the snapshot that was handed in, where grading stands. */
export function receiptLines(s: SubmissionSummary, serverTime: string): string[] {
  const timing = s.late ? `late${s.penaltyPercent > 0 ? ` (${s.penaltyPercent}% off)` : ''}` : 'on time';
  return [
    `submitted ${inline(s.assignmentId)} at ${inline(serverTime)} (the hub's clock): ${timing}`,
    `snapshot ${inline(s.snapshotHash)}: ${s.fileCount} file${s.fileCount === 1 ? '' : 's'}, ${formatBytes(s.totalBytes)}`,
    `submission ${inline(s.id)}: ${scoreText(s)}; \`classpod status\` shows the score once it is graded`,
  ];
}

/** "graded: 8/10", "graded: 8/10 (late, 10% off)", "queued for grading", "grading failed". */
export function scoreText(s: SubmissionSummary): string {
  switch (s.status) {
    case 'queued':
      return 'queued for grading';
    case 'grading':
      return 'being graded';
    case 'failed':
      return 'grading failed';
    case 'graded': {
      const score = s.score !== undefined ? `${s.score}${s.maxScore !== undefined ? `/${s.maxScore}` : ''}` : 'no score';
      const notes = [s.late ? (s.penaltyPercent > 0 ? `late, ${s.penaltyPercent}% off` : 'late') : undefined, s.override ? 'overridden' : undefined].filter(Boolean);
      return `graded: ${score}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    }
  }
}

/** The newest submission of each assignment, from the hub's list (newest first). */
export function latestByAssignment(submissions: SubmissionSummary[]): Map<string, SubmissionSummary> {
  const latest = new Map<string, SubmissionSummary>();
  for (const s of [...submissions].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))) {
    if (!latest.has(s.assignmentId)) latest.set(s.assignmentId, s);
  }
  return latest;
}
