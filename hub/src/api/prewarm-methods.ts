// The hub API for pre-warmed lab sessions (protocol/src/methods/prewarming.ts):
// professors schedule and cancel, staff list. Times are the hub clock's; a
// session whose warm-up time has passed cannot be scheduled.

import { CancelPrewarmRequest, errors, ListPrewarmRequest, SchedulePrewarmRequest, type PrewarmSession, type RpcEndpoint } from '@classpod/protocol';
import type { PrewarmSessionRecord } from '../store/prewarm-repository';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';

/** Lead time when the professor names none (minutes). */
export const DEFAULT_PREWARM_LEAD_MINUTES = 10;

function sessionView(r: PrewarmSessionRecord): PrewarmSession {
  return {
    sessionId: r.id,
    courseId: r.courseId,
    startsAt: r.startsAt,
    leadMinutes: Math.round(r.leadSeconds / 60),
    warmAt: r.warmAt,
    ...(r.label === undefined ? {} : { label: r.label }),
    state: r.state,
    ...(r.warmedAt === undefined ? {} : { warmedAt: r.warmedAt }),
    ...(r.started === undefined ? {} : { started: r.started }),
    ...(r.failed === undefined ? {} : { failed: r.failed }),
  };
}

export function attachPrewarmMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  endpoint.handle(SchedulePrewarmRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const leadMinutes = p.leadMinutes ?? DEFAULT_PREWARM_LEAD_MINUTES;
    const startsAt = new Date(p.startsAt);
    const warmAt = startsAt.getTime() - leadMinutes * 60_000;
    const now = ctx.clock.now();
    if (warmAt <= now.getTime()) {
      throw errors.invalidParams(`the warm-up time (${new Date(warmAt).toISOString()}, ${leadMinutes} min before the session) has already passed (the hub's clock says ${now.toISOString()})`, { path: '/startsAt' });
    }
    const session = await ctx.prewarm.sessions.add({
      courseId: p.courseId,
      startsAt: startsAt.toISOString(),
      leadSeconds: leadMinutes * 60,
      ...(p.label === undefined ? {} : { label: p.label }),
      createdBy: caller.person.id,
      createdAt: now.toISOString(),
    });
    await audit(ctx, caller, 'workspaces.prewarm', p.courseId, session.id, { startsAt: session.startsAt, leadMinutes });
    ctx.prewarm.wake();
    return { session: sessionView(session) };
  });

  endpoint.handle(ListPrewarmRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    return { sessions: (await ctx.prewarm.sessions.list(p.courseId)).map(sessionView) };
  });

  endpoint.handle(CancelPrewarmRequest.type, async (p) => {
    const session = await ctx.prewarm.sessions.get(p.sessionId);
    if (!session) throw errors.notFound(`no pre-warmed session ${p.sessionId}`);
    await ctx.authz.professor(caller, session.courseId);
    if (await ctx.prewarm.sessions.finish(session.id, 'cancelled', { at: ctx.clock.now().toISOString() })) {
      await audit(ctx, caller, 'workspaces.prewarmCancel', session.courseId, session.id);
    }
    return { session: sessionView((await ctx.prewarm.sessions.get(session.id))!) };
  });
}
