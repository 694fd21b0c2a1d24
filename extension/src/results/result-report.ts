// What "Show Results" prints for one submission: the score (late penalty,
// an override with the comment the student reads), one line per test with
// its ✔/✘ and verdict, where a public test's output differs, and the build's
// output when it failed. Plain text from the result's fields.

import type { GradingResult } from '@classpod/protocol';
import { diffLines, formatScore, overrideText, testLine } from './result-text';

/** The lines of the report on `result` of the assignment titled `title`. */
export function resultReport(title: string, result: GradingResult): string[] {
  const lines = [`── Results of ${title} (submission ${result.submissionId}) ──`];
  if (!result.counts) lines.push('This is an earlier submission: your score is that of your latest one.');
  if (result.status === 'queued' || result.status === 'grading') {
    lines.push(`Not graded yet (${result.status}).`);
    return lines;
  }
  if (result.status === 'failed') {
    lines.push(`Grading did not finish${result.error ? `: ${result.error}` : ''}. Your professor can see why.`);
    if (!result.override) return lines;
  }
  const score = result.score !== undefined ? formatScore(result.score, result.maxScore) : '–';
  const late = result.penaltyPercent ? ` (late: −${result.penaltyPercent}%${result.rawScore !== undefined ? ` of ${formatScore(result.rawScore, result.maxScore)}` : ''})` : '';
  lines.push(`Score: ${score}${result.override ? '' : late}`);
  if (result.override) lines.push(overrideText(result.override, result.maxScore, `your professor (${result.override.authorId})`));
  for (const t of result.tests) {
    lines.push(testLine(t, result.hiddenTests));
    if (t.diff) lines.push(...diffLines(t.diff).map((l) => `    ${l}`));
  }
  if (result.compile && result.compile.status !== 'OK') {
    lines.push(result.compile.status === 'CE' ? 'The program does not build:' : 'The grader failed while building:', result.compile.output.trimEnd());
  }
  return lines;
}
