// `submissions/grantAttempts`: staff give a student extra official
// submissions of an assignment (audit-logged); and the student's attempts as
// the assignment views carry them.

import { errors, GrantAttemptsRequest, type RpcEndpoint, type SubmissionAttempts } from '@classpod/protocol';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import { ownerOf } from '../groups/work-owner';
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
    // On a group assignment the attempts are the group's (it submits as one): a member's grant is the group's.
    const owner = await ownerOf(ctx.store, a, p.studentId);
    const key = { courseId: p.courseId, assignmentId: p.assignmentId, studentId: owner };
    const counter = await ctx.store.attempts.grant(key, p.extra);
    await audit(ctx, caller, 'submission.attempts.grant', p.courseId, `${p.assignmentId}/${owner}`, { extra: p.extra, totalExtra: counter.extra, comment: p.comment, ...(owner !== p.studentId ? { member: p.studentId } : {}) });
    const ext = await ctx.store.extensions.get(a.courseId, a.id, owner);
    const counting = countingSubmission(await ctx.store.submissions.list(key));
    const accounts = await lateDayAccounts(ctx.store, a.courseId, { students: [p.studentId] });
    const groupAccount = owner !== p.studentId ? accounts.get(owner) : undefined;
    return { assignment: assignmentView(a, ext, counting, counting !== undefined, accounts.get(p.studentId), attemptsView(a, counter, ctx.clock.now()), groupAccount) };
  });
}
