// Feedback comments gathered into threads on their own: one thread per first
// comment with its replies in order, only the file asked for, on editor lines
// that never run past the end of the file, and what a thread's header says.

import * as assert from 'node:assert/strict';
import type { FeedbackComment } from '@classpod/protocol';
import { authorOf, editorRange, studentThreadLabel, threadsOf } from '../../../src/feedback/feedback-threads';

function comment(id: string, threadId: string, at: string, extra: Partial<FeedbackComment> = {}): FeedbackComment {
  return { id, threadId, submissionId: 's1', courseId: 'cs101', assignmentId: 'c-sum', studentId: 'ada', path: 'sum.c', line: 4, endLine: 4, body: id, authorId: 'turing', at, ...extra };
}

describe('feedback threads', () => {
  const comments = [
    comment('r2', 'a', '2026-11-24T10:05:00.000Z'),
    comment('b', 'b', '2026-11-24T09:00:00.000Z', { line: 2, endLine: 3 }),
    comment('a', 'a', '2026-11-24T10:00:00.000Z'),
    comment('r1', 'a', '2026-11-24T10:00:00.000Z'),
    comment('c', 'c', '2026-11-24T11:00:00.000Z', { path: 'mean.c', line: 1, endLine: 1 }),
    comment('d', 'd', '2026-11-24T12:00:00.000Z', { submissionId: 's2', line: 9, endLine: 9 }),
  ];

  it('makes one thread per first comment, its replies after it in order, threads by line', () => {
    const threads = threadsOf(comments, { path: 'sum.c' });
    assert.deepEqual(threads.map((t) => [t.threadId, t.line, t.comments.map((c) => c.id)]), [
      ['b', 2, ['b']],
      ['a', 4, ['a', 'r1', 'r2']],
      ['d', 9, ['d']],
    ]);
    assert.deepEqual(threadsOf(comments, { path: 'sum.c', submissionId: 's1' }).map((t) => t.threadId), ['b', 'a']);
    assert.deepEqual(threadsOf(comments, { path: 'mean.c' }).map((t) => t.threadId), ['c']);
    assert.deepEqual(threadsOf(comments, { path: 'nothing.c' }), []);
    assert.equal(threadsOf(comments).length, 4);
  });

  it('puts a thread on 0-based editor lines, never past the end of a file that got shorter', () => {
    assert.deepEqual(editorRange({ line: 2, endLine: 3 }, 10), { startLine: 1, endLine: 2 });
    assert.deepEqual(editorRange({ line: 8, endLine: 12 }, 10), { startLine: 7, endLine: 9 });
    assert.deepEqual(editorRange({ line: 40, endLine: 41 }, 10), { startLine: 9, endLine: 9 });
    assert.deepEqual(editorRange({ line: 1, endLine: 1 }, 0), { startLine: 0, endLine: 0 });
  });

  it('names the author and, for the student, the submission', () => {
    assert.equal(authorOf({ authorId: 'turing', authorName: 'Alan Turing' }), 'Alan Turing');
    assert.equal(authorOf({ authorId: 'turing' }), 'turing');
    assert.equal(studentThreadLabel('2026-11-24T19:33:12.000Z', true), 'Feedback on your latest submission of 2026-11-24 19:33 UTC');
    assert.equal(studentThreadLabel('2026-11-24T19:33:12.000Z', false), 'Feedback on your submission of 2026-11-24 19:33 UTC');
    assert.equal(studentThreadLabel(undefined, false), 'Feedback on your submission');
  });
});
