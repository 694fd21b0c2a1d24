// Feedback comments gathered into threads, as the Comments API shows them: a
// thread per first comment, its replies in order, on the lines it names (a
// Comments range is 0-based), and what the thread's header says — who wrote
// it, and for a student, which of their submissions it is about.

import type { FeedbackComment } from '@classpod/protocol';

/** One thread on one file of one submission. */
export interface FeedbackThread {
  threadId: string;
  submissionId: string;
  path: string;
  /** 1-based, as the hub keeps them. */
  line: number;
  endLine: number;
  /** Oldest first; the first one starts the thread. */
  comments: FeedbackComment[];
}

/** The threads among `comments` (any order), on `path` when given, by line and then by age. */
export function threadsOf(comments: readonly FeedbackComment[], where: { path?: string; submissionId?: string } = {}): FeedbackThread[] {
  const byThread = new Map<string, FeedbackComment[]>();
  for (const c of comments) {
    if (where.path !== undefined && c.path !== where.path) continue;
    if (where.submissionId !== undefined && c.submissionId !== where.submissionId) continue;
    const list = byThread.get(c.threadId) ?? [];
    list.push(c);
    byThread.set(c.threadId, list);
  }
  const threads: FeedbackThread[] = [];
  for (const [threadId, list] of byThread) {
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id === threadId ? -1 : b.id === threadId ? 1 : 0));
    const first = list.find((c) => c.id === threadId) ?? list[0]!;
    threads.push({ threadId, submissionId: first.submissionId, path: first.path, line: first.line, endLine: first.endLine, comments: list });
  }
  return threads.sort((a, b) => a.line - b.line || (a.comments[0]!.at < b.comments[0]!.at ? -1 : 1));
}

/** The 0-based line range a thread covers in an editor with `lineCount` lines (never past the end). */
export function editorRange(thread: Pick<FeedbackThread, 'line' | 'endLine'>, lineCount: number): { startLine: number; endLine: number } {
  const last = Math.max(0, lineCount - 1);
  const start = Math.min(last, thread.line - 1);
  return { startLine: start, endLine: Math.max(start, Math.min(last, thread.endLine - 1)) };
}

/** Who wrote a comment, as its header shows. */
export function authorOf(c: Pick<FeedbackComment, 'authorId' | 'authorName'>): string {
  return c.authorName ?? c.authorId;
}

/** A thread's label for the student: the submission it is about, by its time. */
export function studentThreadLabel(submittedAt: string | undefined, latest: boolean): string {
  if (!submittedAt) return 'Feedback on your submission';
  const when = new Date(submittedAt).toISOString().slice(0, 16).replace('T', ' ');
  return `Feedback on your ${latest ? 'latest ' : ''}submission of ${when} UTC`;
}
