// What "Show Results" prints for one submission: the score (late penalty,
// rubric points, an override with the comment the student reads) and how it
// adds up, one line per test with its ✔/✘ and verdict, where a public test's
// output differs, the build's output when it failed, the rubric items staff
// applied, and their comments on lines of the files. Plain text from the
// result's fields.

import type { FeedbackComment, GradingResult, SubmissionRubric } from '@classpod/protocol';
import { diffLines, formatScore, overrideText, rubricPoints, testLine } from './result-text';

/** What staff said about the submission beside its tests, when the hub gave it. */
export interface ResultExtras {
  rubric?: SubmissionRubric;
  /** Comments on lines of the submission's files, oldest first. */
  feedback?: readonly FeedbackComment[];
}

/** "Score: 83/100 = 78 from the tests + 5 from the rubric" and its clamping, when rubric points count. */
export function scoreSum(result: GradingResult): string | undefined {
  if (result.override || result.rubricPoints === undefined || result.rawScore === undefined || result.score === undefined) return undefined;
  const tests = Math.round(result.rawScore * (1 - result.penaltyPercent / 100) * 1000) / 1000;
  const sum = Math.round((tests + result.rubricPoints) * 1000) / 1000;
  const rubric = result.rubricPoints < 0 ? `− ${formatScore(-result.rubricPoints)}` : `+ ${formatScore(result.rubricPoints)}`;
  const clamped = sum !== result.score ? ` = ${formatScore(sum)}, kept within 0 and ${result.maxScore ?? 'the maximum'}` : '';
  return `  = ${formatScore(tests)} from the tests${result.penaltyPercent ? ' (after the late penalty)' : ''} ${rubric} from the rubric${clamped}`;
}

/** The rubric lines: each applied item with its points, and their sum. */
function rubricLines(rubric: SubmissionRubric): string[] {
  if (rubric.applied.length === 0) return rubric.items.length > 0 ? ['Rubric: no items applied.'] : [];
  return [
    `Rubric (${rubricPoints(rubric.points)} in all):`,
    ...rubric.applied.map((a) => `  ${rubricPoints(a.points).padStart(4)}  ${a.description}${a.appliedByName ? ` — ${a.appliedByName}` : ''}`),
  ];
}

/** The feedback lines: each thread at its file and lines, its replies below it. */
function feedbackLines(comments: readonly FeedbackComment[]): string[] {
  if (comments.length === 0) return [];
  const lines = ['Feedback on your code (also shown on those lines of your files):'];
  const threads = comments.filter((c) => c.threadId === c.id);
  for (const t of threads) {
    const where = t.endLine > t.line ? `${t.path}:${t.line}–${t.endLine}` : `${t.path}:${t.line}`;
    lines.push(`  ${where}  ${t.authorName ?? t.authorId}: ${t.body.split('\n').join(' ')}`);
    for (const r of comments.filter((c) => c.threadId === t.id && c.id !== t.id)) lines.push(`    ↳ ${r.authorName ?? r.authorId}: ${r.body.split('\n').join(' ')}`);
  }
  return lines;
}

/** The lines of the report on `result` of the assignment titled `title`. */
export function resultReport(title: string, result: GradingResult, extras: ResultExtras = {}): string[] {
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
  const sum = scoreSum(result);
  if (sum) lines.push(sum);
  if (result.override) lines.push(overrideText(result.override, result.maxScore, `your professor (${result.override.authorId})`) + (result.rubricPoints !== undefined ? ' (it replaces the tests and the rubric)' : ''));
  if (result.hiddenRevealed) lines.push('The deadline has passed: hidden tests are shown with their names.');
  for (const t of result.tests) {
    lines.push(testLine(t, result.hiddenTests));
    if (t.diff) lines.push(...diffLines(t.diff).map((l) => `    ${l}`));
  }
  if (result.compile && result.compile.status !== 'OK') {
    lines.push(result.compile.status === 'CE' ? 'The program does not build:' : 'The grader failed while building:', result.compile.output.trimEnd());
  }
  if (extras.rubric) lines.push(...rubricLines(extras.rubric));
  if (extras.feedback) lines.push(...feedbackLines(extras.feedback));
  return lines;
}
