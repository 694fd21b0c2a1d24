// `feedback/add`, `feedback/list`: comments on lines of submitted files. Only
// the staff of the submission's course write them, on a file of its snapshot
// and within that file's lines; the student reads those on their own work,
// staff those of any student of their course.

import { AddFeedbackRequest, errors, ListFeedbackRequest, type FeedbackComment as FeedbackView, type RpcEndpoint } from '@classpod/protocol';
import type { FeedbackComment } from '../store/records';
import { ownerOf } from '../groups/work-owner';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';

/** How many lines a file has, as an editor numbers them (a final line end starts no line). */
export function lineCount(content: Buffer): number {
  const text = content.toString('utf8');
  if (text === '') return 1;
  const parts = text.split('\n').length;
  return text.endsWith('\n') ? parts - 1 : parts;
}

export function attachFeedbackMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** Comments as clients see them: with their authors' names. */
  const views = async (comments: FeedbackComment[]): Promise<FeedbackView[]> => {
    const names = new Map<string, string | undefined>();
    for (const id of new Set(comments.map((c) => c.authorId))) names.set(id, (await ctx.store.people.get(id))?.name);
    return comments.map((c) => {
      const name = names.get(c.authorId);
      return { ...c, ...(name ? { authorName: name } : {}) };
    });
  };

  endpoint.handle(AddFeedbackRequest.type, async (p) => {
    const s = await ctx.store.submissions.get(p.submissionId);
    if (!s) throw errors.notFound(`no submission ${p.submissionId}`);
    await ctx.authz.staff(caller, s.courseId);
    const body = p.body.trim();
    if (body === '') throw errors.invalidParams('a comment needs some text');
    let place: { path: string; line: number; endLine: number; threadId?: string };
    if (p.threadId !== undefined) {
      const thread = await ctx.feedback.get(p.threadId);
      if (!thread || thread.submissionId !== s.id || thread.threadId !== thread.id) throw errors.notFound(`no thread ${p.threadId} on submission ${s.id}`);
      if ((p.path !== undefined && p.path !== thread.path) || (p.line !== undefined && p.line !== thread.line)) {
        throw errors.invalidParams(`a reply stays on the thread's lines: ${thread.path}, line ${thread.line}`);
      }
      place = { path: thread.path, line: thread.line, endLine: thread.endLine, threadId: thread.id };
    } else {
      if (p.path === undefined || p.line === undefined) throw errors.invalidParams('name the file (path) and the line the comment is about, or the thread it answers');
      const endLine = p.endLine ?? p.line;
      if (endLine < p.line) throw errors.invalidParams(`the last line (${endLine}) comes before the first (${p.line})`);
      const entry = (await ctx.blobs.manifest(s.snapshotHash)).find((e) => e.path === p.path);
      if (!entry) throw errors.notFound(`submission ${s.id} has no file ${p.path}`);
      const lines = lineCount(await ctx.blobs.get(entry.sha256));
      if (endLine > lines) throw errors.invalidParams(`line ${endLine} is past the end of ${p.path}, which has ${lines} line${lines === 1 ? '' : 's'}`);
      place = { path: entry.path, line: p.line, endLine };
    }
    const comment = await ctx.feedback.add({
      ...place,
      submissionId: s.id,
      courseId: s.courseId,
      assignmentId: s.assignmentId,
      studentId: s.studentId,
      body,
      authorId: caller.person.id,
      at: ctx.clock.now().toISOString(),
    });
    await audit(ctx, caller, 'feedback.add', s.courseId, s.id, { comment: comment.id, path: comment.path, line: comment.line });
    return { comment: (await views([comment]))[0]! };
  });

  endpoint.handle(ListFeedbackRequest.type, async (p) => {
    let studentId = p.studentId;
    if (studentId !== undefined) await ctx.authz.studentWork(caller, p.courseId, studentId);
    else if ((await ctx.authz.member(caller, p.courseId)) === 'student') studentId = caller.person.id;
    else throw errors.invalidParams('name the student (studentId) whose feedback to list');
    // A member of a group reads the feedback on the group's submissions.
    const a = await ctx.store.assignments.get(p.courseId, p.assignmentId);
    if (a) studentId = await ownerOf(ctx.store, a, studentId);
    if (p.submissionId !== undefined) {
      const s = await ctx.store.submissions.get(p.submissionId);
      if (!s || s.courseId !== p.courseId || s.assignmentId !== p.assignmentId || s.studentId !== studentId) {
        throw errors.notFound(`no submission ${p.submissionId} of ${studentId} to ${p.assignmentId}`);
      }
    }
    const comments = await ctx.feedback.list({ courseId: p.courseId, assignmentId: p.assignmentId, studentId }, p.submissionId);
    return { comments: await views(comments) };
  });
}
