// `submissions/grantAttempts`: staff give a student extra official
// submissions of an assignment (audit-logged); and the student's attempts as
// the assignment views carry them.

import { errors, GrantAttemptsRequest, type RpcEndpoint, type SubmissionAttempts } from '@classpod/protocol';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import { countingSubmission } from '../grading/grade-book';
import type { Assignment } from '../store/records';
import { attemptsView, submissionLimitsOf } from '../submissions/attempt-policy';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { assignmentView } from './views';

/** The student's attempts against the assignment's limits, by the hub's clock; undefined when it has none. */
export async function attemptsOf(ctx: ApiContext, a: Assignment, studentId: string): Promise<SubmissionAttempts | undefined> {
  if (!submissionLimitsOf(a)) return undefined;
  return attemptsView(a, await ctx.store.attempts.get({ courseId: a.courseId, assignmentId: a.id, studentId }), ctx.clock.now());
}

export function attachAttemptMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  endpoint.handle(GrantAttemptsRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const a = await ctx.store.assignments.get(p.courseId, p.assignmentId);
    if (!a) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    if ((await ctx.store.courses.roleIn(p.courseId, p.studentId)) !== 'student') throw errors.notFound(`${p.studentId} is not a student of course ${p.courseId}`);
    if (a.maxAttempts === undefined) {
      throw errors.invalidParams(`${p.assignmentId} has no attempt limit (submissions.maxAttempts in its assignment.yaml): there is nothing to grant`);
    }
    const key = { courseId: p.courseId, assignmentId: p.assignmentId, studentId: p.studentId };
    const counter = await ctx.store.attempts.grant(key, p.extra);
    await audit(ctx, caller, 'submission.attempts.grant', p.courseId, `${p.assignmentId}/${p.studentId}`, { extra: p.extra, totalExtra: counter.extra, comment: p.comment });
    const ext = await ctx.store.extensions.get(a.courseId, a.id, p.studentId);
    const counting = countingSubmission(await ctx.store.submissions.list(key));
    const lateDays = (await lateDayAccounts(ctx.store, a.courseId, { studentId: p.studentId })).get(p.studentId);
    return { assignment: assignmentView(a, ext, counting, counting !== undefined, lateDays, attemptsView(a, counter, ctx.clock.now())) };
  });
}
