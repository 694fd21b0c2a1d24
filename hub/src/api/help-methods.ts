// `help/raise|lower|queue|take|follow|end`: live help. A student raises a
// hand for an assignment of their course (one open hand per course); the
// course's staff list the queue, take a request, follow the student's live
// workspace and end the session; the student may lower the hand or end the
// session. Every step is sent to the student and the course's staff
// (`events/helpChanged`) and every session step is in the audit log.

import {
  EndHelpRequest,
  errors,
  FollowHelpRequest,
  HelpChangedNotification,
  ListHelpQueueRequest,
  LowerHandRequest,
  RaiseHandRequest,
  TakeHelpRequest,
  type HelpRequest,
  type RpcEndpoint,
} from '@classpod/protocol';
import { splitSections } from '../rosters/roster-csv';
import { HandAlreadyRaised, type HelpRequestRecord } from '../store/help-request-repository';
import { ownerOf } from '../groups/work-owner';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { workspaceView } from './views';

type Cause = 'raised' | 'taken' | 'followed' | 'terminal' | 'lowered' | 'ended' | 'moved';

/** The queue as staff read it: the caller's own sections first, then oldest first (a stable sort keeps the store's order). */
export function queueOrder<T extends { section?: string }>(requests: T[], callerSections: Set<string>): T[] {
  const mine = (r: T): number => (r.section !== undefined && callerSections.has(r.section) ? 0 : 1);
  return [...requests].sort((a, b) => mine(a) - mine(b));
}

/** Requests as clients see them: names, sections, and each waiting one's place in the course's queue. */
async function views(ctx: ApiContext, courseId: string, requests: HelpRequestRecord[]): Promise<HelpRequest[]> {
  const sections = await ctx.rosters.sectionsIn(courseId);
  const waiting = (await ctx.store.help.open(courseId)).filter((r) => r.state === 'waiting').map((r) => r.id);
  const names = new Map<string, string | undefined>();
  for (const id of new Set(requests.flatMap((r) => [r.studentId, ...(r.helperId ? [r.helperId] : [])]))) names.set(id, (await ctx.store.people.get(id))?.name);
  return requests.map((r) => {
    const studentName = names.get(r.studentId);
    const helperName = r.helperId ? names.get(r.helperId) : undefined;
    const section = sections.get(r.studentId);
    const position = waiting.indexOf(r.id) + 1;
    return {
      ...r,
      ...(studentName ? { studentName } : {}),
      ...(helperName ? { helperName } : {}),
      ...(section ? { section } : {}),
      ...(r.state === 'waiting' && position > 0 ? { position } : {}),
    };
  });
}

/** The request, re-read, sent to its student and the course's staff. */
async function announce(ctx: ApiContext, id: string, cause: Cause): Promise<HelpRequest> {
  const r = await ctx.store.help.get(id);
  if (!r) throw errors.notFound(`no help request ${id}`);
  const [view] = await views(ctx, r.courseId, [r]);
  await ctx.events.publish(HelpChangedNotification.type, { request: view!, cause }, { courseId: r.courseId, studentId: r.studentId });
  return view!;
}

/** A hand left the waiting line: those raised after it move up; tell each of them (and the staff) their new place. */
async function announceMoves(ctx: ApiContext, left: HelpRequestRecord): Promise<void> {
  if (left.state !== 'waiting') return;
  const behind = (await ctx.store.help.open(left.courseId)).filter((r) => r.state === 'waiting' && r.raisedAt >= left.raisedAt && r.id !== left.id);
  for (const view of await views(ctx, left.courseId, behind)) {
    await ctx.events.publish(HelpChangedNotification.type, { request: view, cause: 'moved' }, { courseId: view.courseId, studentId: view.studentId });
  }
}

/**
 * Hands that were open and are closed now (a withdrawal ends the student's
 * hand in the roster's transaction): tell the student and the staff, and
 * those behind their new place.
 */
export async function announceClosedHands(ctx: ApiContext, wereOpen: readonly HelpRequestRecord[]): Promise<void> {
  for (const r of wereOpen) {
    const now = await ctx.store.help.get(r.id);
    if (!now || now.state === 'waiting' || now.state === 'helping') continue;
    await announce(ctx, r.id, 'ended');
    await announceMoves(ctx, r);
  }
}

export function attachHelpMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  const requestOf = async (id: string): Promise<HelpRequestRecord> => {
    const r = await ctx.store.help.get(id);
    if (!r) throw errors.notFound(`no help request ${id}`);
    return r;
  };

  const closed = (r: HelpRequestRecord): Error => errors.conflict(`help request ${r.id} is ${r.state === 'lowered' ? 'lowered' : 'over'}: it was closed at ${r.endedAt ?? 'an earlier time'}`);

  endpoint.handle(RaiseHandRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    if (role !== 'student') throw errors.forbidden(`only students of course ${p.courseId} raise a hand`);
    if (!(await ctx.store.assignments.get(p.courseId, p.assignmentId))) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    const message = p.message.trim();
    if (message === '' && !p.failingTest) throw errors.invalidParams('say what you need help with, or attach the failing test');
    try {
      const r = await ctx.store.help.raise({
        courseId: p.courseId,
        assignmentId: p.assignmentId,
        studentId: caller.person.id,
        message,
        ...(p.failingTest ? { failingTest: { name: p.failingTest.name, message: p.failingTest.message } } : {}),
      });
      return { request: await announce(ctx, r.id, 'raised') };
    } catch (err) {
      if (err instanceof HandAlreadyRaised) {
        throw errors.conflict(`your hand is already raised in course ${p.courseId} (for ${err.existing.assignmentId}); lower it first`, { requestId: err.existing.id });
      }
      throw err;
    }
  });

  endpoint.handle(LowerHandRequest.type, async (p) => {
    const r = await requestOf(p.requestId);
    await ctx.authz.member(caller, r.courseId);
    if (r.studentId !== caller.person.id) throw errors.forbidden('only the student who raised a hand may lower it');
    if (!(await ctx.store.help.close(r.id, 'lowered', caller.person.id))) throw closed((await requestOf(r.id)));
    if (r.helperId) await audit(ctx, caller, 'help.end', r.courseId, r.studentId, { request: r.id, helper: r.helperId, by: 'student' });
    const view = await announce(ctx, r.id, 'lowered');
    await announceMoves(ctx, r);
    return { request: view };
  });

  endpoint.handle(ListHelpQueueRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    const open = await ctx.store.help.open(p.courseId);
    const waiting = open.filter((r) => r.state === 'waiting').length;
    if (role === 'student') return { requests: await views(ctx, p.courseId, open.filter((r) => r.studentId === caller.person.id)), waiting };
    const mine = (await ctx.rosters.sectionsIn(p.courseId)).get(caller.person.id);
    return { requests: queueOrder(await views(ctx, p.courseId, open), new Set(splitSections(mine))), waiting };
  });

  endpoint.handle(TakeHelpRequest.type, async (p) => {
    const r = await requestOf(p.requestId);
    await ctx.authz.staff(caller, r.courseId);
    if (!(await ctx.store.help.take(r.id, caller.person.id))) {
      const now = await requestOf(r.id);
      if (now.state === 'helping') throw errors.conflict(`help request ${r.id} is already taken${now.helperId === caller.person.id ? ' by you' : ''}`, { helperId: now.helperId });
      throw closed(now);
    }
    await audit(ctx, caller, 'help.take', r.courseId, r.studentId, { request: r.id, assignment: r.assignmentId });
    const view = await announce(ctx, r.id, 'taken');
    await announceMoves(ctx, r);
    return { request: view };
  });

  endpoint.handle(FollowHelpRequest.type, async (p, rc) => {
    const r = await requestOf(p.requestId);
    await ctx.authz.staff(caller, r.courseId);
    if (r.state === 'waiting' && (await ctx.store.help.take(r.id, caller.person.id))) {
      await audit(ctx, caller, 'help.take', r.courseId, r.studentId, { request: r.id, assignment: r.assignmentId });
      await announce(ctx, r.id, 'taken');
      await announceMoves(ctx, r);
    }
    const now = await requestOf(r.id);
    if (now.state !== 'helping') throw closed(now);
    if (now.helperId !== caller.person.id) throw errors.conflict(`help request ${r.id} is taken by someone else`, { helperId: now.helperId });
    // The workspace the student works in for that assignment: on a group assignment, their group's.
    const assignment = await ctx.store.assignments.get(r.courseId, r.assignmentId);
    const key = { courseId: r.courseId, studentId: assignment ? await ownerOf(ctx.store, assignment, r.studentId) : r.studentId };
    await ctx.workspaces.open(key, rc.signal);
    await audit(ctx, caller, 'help.follow', r.courseId, r.studentId, { request: r.id });
    let cause: Cause = 'followed';
    if (p.terminal) {
      if (await ctx.store.help.viewTerminal(r.id, caller.person.id)) await audit(ctx, caller, 'help.terminal', r.courseId, r.studentId, { request: r.id });
      cause = 'terminal';
    }
    const workspace = workspaceView(await ctx.provider.status(key), (await ctx.store.people.get(r.studentId))?.name);
    return { request: await announce(ctx, r.id, cause), workspace, connectPath: workspace.connectPath };
  });

  endpoint.handle(EndHelpRequest.type, async (p) => {
    const r = await requestOf(p.requestId);
    const role = await ctx.authz.member(caller, r.courseId);
    if (role === 'student' && r.studentId !== caller.person.id) throw errors.forbidden('you may end only your own help request');
    if (!(await ctx.store.help.close(r.id, 'ended', caller.person.id))) throw closed(await requestOf(r.id));
    await audit(ctx, caller, 'help.end', r.courseId, r.studentId, { request: r.id, ...(r.helperId ? { helper: r.helperId } : {}), by: role === 'student' ? 'student' : 'staff' });
    const view = await announce(ctx, r.id, 'ended');
    await announceMoves(ctx, r);
    return { request: view };
  });
}
