// `grades/book`: a course's whole gradebook in one answer, for its staff
// (professors and assistants); a student, or staff of another course, is
// refused before anything is read.

import { GetGradebookRequest, type RpcEndpoint } from '@classpod/protocol';
import { buildGradebook } from '../grading/gradebook';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';

export function attachGradebookMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  endpoint.handle(GetGradebookRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const book = await buildGradebook(ctx.store, p.courseId, (a, studentId) => ctx.intake.changedFromStarter(a, studentId));
    return { courseId: p.courseId, ...book, serverTime: ctx.clock.now().toISOString() };
  });
}
