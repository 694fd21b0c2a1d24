// `lateDays/grant`: a course's professors give one student extra late days
// (the rule they feed: deadlines/late-days.ts). Each grant is a row with its
// audit entry, written together; a student's workspace is told the new count.

import { errors, GrantLateDaysRequest, type RpcEndpoint } from '@classpod/protocol';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import { reviewAndAnnounceLateness } from '../deadlines/lateness-review';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';

export function attachLateDayMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  endpoint.handle(GrantLateDaysRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    if ((await ctx.store.courses.roleIn(p.courseId, p.studentId)) !== 'student') throw errors.notFound(`${p.studentId} is not a student of course ${p.courseId}`);
    await ctx.store.lateDays.grant({ courseId: p.courseId, studentId: p.studentId, days: p.days, ...(p.comment ? { comment: p.comment } : {}), grantedBy: caller.person.id });
    // Days granted after late work spare its penalty by the same rule as days held before it.
    await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId, { studentId: p.studentId });
    await ctx.workspaces.refreshStudent({ courseId: p.courseId, studentId: p.studentId });
    const account = (await lateDayAccounts(ctx.store, p.courseId, { studentId: p.studentId })).get(p.studentId)!;
    return { account: { studentId: p.studentId, total: account.total, used: account.used, remaining: account.remaining } };
  });
}
