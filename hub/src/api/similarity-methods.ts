// `similarity/run`, `similarity/status`, `similarity/pairs`,
// `similarity/fragments`: a professor's similarity check of an assignment.
// Professors only, not assistants: the check reads every student's work side
// by side (and earlier offerings'), and what it shows may start an academic
// integrity case, which is the professor's to open. Every check and every
// pair opened is audit-logged; nothing here changes a score.

import {
  errors,
  GetSimilarityFragmentsRequest,
  ListSimilarityPairsRequest,
  RunSimilarityRequest,
  SimilarityStatusRequest,
  type RpcEndpoint,
  type SimilarityRun,
} from '@classpod/protocol';
import { textOf } from '../similarity/final-submissions';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';

export function attachSimilarityMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** The check, for a professor of its course. */
  const runFor = async (runId: string): Promise<SimilarityRun> => {
    const run = await ctx.store.similarity.get(runId);
    if (!run) throw errors.notFound(`no similarity check ${runId}`);
    await ctx.authz.professor(caller, run.courseId);
    return run;
  };

  endpoint.handle(RunSimilarityRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    if (!(await ctx.store.assignments.get(p.courseId, p.assignmentId))) throw errors.notFound(`course ${p.courseId} has no assignment ${p.assignmentId}`);
    const earlier = [...new Set(p.earlierCourseIds ?? [])];
    if (earlier.includes(p.courseId)) throw errors.invalidParams(`course ${p.courseId} is the course checked, not an earlier offering of it`);
    for (const c of earlier) {
      if (!(await ctx.store.courses.get(c))) throw errors.notFound(`no course ${c}`);
      await ctx.authz.professor(caller, c);
    }
    const last = await ctx.store.similarity.latest(p.courseId, p.assignmentId);
    if (last && (last.state === 'queued' || last.state === 'running')) return { run: last };
    const run = await ctx.store.similarity.create({ courseId: p.courseId, assignmentId: p.assignmentId, earlierCourseIds: earlier, requestedBy: caller.person.id });
    await audit(ctx, caller, 'similarity.run', p.courseId, run.id, { assignmentId: p.assignmentId, earlierCourseIds: earlier });
    ctx.similarity.enqueue(run.id);
    return { run };
  });

  endpoint.handle(SimilarityStatusRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const run = p.runId !== undefined ? await ctx.store.similarity.get(p.runId) : await ctx.store.similarity.latest(p.courseId, p.assignmentId);
    if (p.runId !== undefined && (!run || run.courseId !== p.courseId || run.assignmentId !== p.assignmentId)) throw errors.notFound(`no similarity check ${p.runId} of ${p.assignmentId}`);
    return run ? { run } : {};
  });

  endpoint.handle(ListSimilarityPairsRequest.type, async (p) => {
    const run = await runFor(p.runId);
    const offset = p.offset ?? 0;
    const pairs = run.state === 'done' ? await ctx.store.similarity.pairs(run.id, offset, p.limit ?? 100) : [];
    return { run, pairs, total: run.pairCount };
  });

  endpoint.handle(GetSimilarityFragmentsRequest.type, async (p) => {
    const run = await runFor(p.runId);
    const stored = await ctx.store.similarity.pair(run.id, p.pairId);
    if (!stored) throw errors.notFound(`similarity check ${run.id} has no pair ${p.pairId}`);
    const { pair } = stored;
    // An earlier offering's student's work is shown to that course's professors only.
    for (const side of [pair.left, pair.right]) if (side.courseId !== run.courseId) await ctx.authz.professor(caller, side.courseId);
    const text = async (sha256: string) => textOf(await ctx.blobs.get(sha256)) ?? '';
    const [left, right] = [await text(stored.leftSha256), await text(stored.rightSha256)];
    await audit(ctx, caller, 'similarity.pair.open', run.courseId, run.id, { pair: pair.id, left: pair.left.submissionId, right: pair.right.submissionId });
    return { pair, left: { path: pair.left.path, content: left }, right: { path: pair.right.path, content: right }, fragments: stored.fragments };
  });
}
