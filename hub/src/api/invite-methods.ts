// `invites/create|list|revoke` for a course's professors, `invites/join` for
// any signed-in person. An invite enrols students only (staff come from the
// roster or `people add`), so a leaked link never makes anyone staff.

import { createHash, randomBytes } from 'node:crypto';
import { CreateInviteRequest, errors, JoinCourseRequest, ListInvitesRequest, RevokeInviteRequest, type InviteSummary, type RpcEndpoint } from '@classpod/protocol';
import type { InviteRecord, JoinRefusal } from '../store/invite-repository';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';

/** The longest an invite may live. */
export const MAX_INVITE_DAYS = 366;

// Crockford's base32 without I, L, O, U: nothing to misread when a code is typed.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh code: 15 random characters (75 bits) in three groups, e.g. `7KQ2M-X9D4T-B3HZR`. */
export function newInviteCode(): string {
  const bytes = randomBytes(15);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]);
  return [chars.slice(0, 5), chars.slice(5, 10), chars.slice(10)].map((g) => g.join('')).join('-');
}

/** The hash a code is stored as: case and hyphens do not matter when it is typed. */
export function inviteCodeHash(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/-/g, '')).digest('hex');
}

/** An invite as staff see it, with its state at `now` (ISO): active, expired, revoked or used-up. */
export function inviteSummary(i: InviteRecord, now: string): InviteSummary {
  const state = i.revokedAt ? 'revoked' : i.expiresAt <= now ? 'expired' : i.maxUses !== undefined && i.uses >= i.maxUses ? 'used-up' : 'active';
  return { ...i, state };
}

export function attachInviteMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  const summary = (i: InviteRecord): InviteSummary => inviteSummary(i, ctx.clock.now().toISOString());

  endpoint.handle(CreateInviteRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const now = ctx.clock.now().getTime();
    const expires = Date.parse(p.expiresAt);
    if (!(expires > now)) throw errors.invalidParams(`expiresAt ${p.expiresAt} is not in the future (the hub's clock says ${new Date(now).toISOString()})`);
    if (expires - now > MAX_INVITE_DAYS * 86_400_000) throw errors.invalidParams(`an invite may live at most ${MAX_INVITE_DAYS} days`);
    const code = newInviteCode();
    const invite = await ctx.invites.create({
      courseId: p.courseId,
      codeHash: inviteCodeHash(code),
      role: 'student',
      ...(p.section ? { section: p.section } : {}),
      expiresAt: new Date(expires).toISOString(),
      ...(p.maxUses !== undefined ? { maxUses: p.maxUses } : {}),
      createdBy: caller.person.id,
    });
    return { invite: summary(invite), code, link: `${ctx.publicUrl()}/v1/join/${code}` };
  });

  endpoint.handle(ListInvitesRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    return { invites: (await ctx.invites.list(p.courseId)).map(summary) };
  });

  endpoint.handle(RevokeInviteRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const existing = await ctx.invites.get(p.courseId, p.inviteId);
    if (!existing) throw errors.notFound(`no invite ${p.inviteId} in course ${p.courseId}`);
    await ctx.invites.revoke(p.courseId, p.inviteId, caller.person.id);
    return { invite: summary((await ctx.invites.get(p.courseId, p.inviteId))!) };
  });

  const refusals: Record<JoinRefusal, (i?: InviteRecord) => Error> = {
    unknown: () => errors.notFound('no invite has this code; check it with whoever gave it to you'),
    revoked: (i) => errors.forbidden(`this invite to ${i!.courseId} was revoked; ask the course's staff for a new one`),
    expired: (i) => errors.forbidden(`this invite to ${i!.courseId} expired at ${i!.expiresAt}; ask the course's staff for a new one`),
    'used-up': (i) => errors.forbidden(`this invite to ${i!.courseId} was used ${i!.maxUses ?? 0} times, its limit; ask the course's staff for a new one`),
    withdrawn: (i) => errors.forbidden(`you were withdrawn from course ${i!.courseId}; an invite does not enrol you again: ask its staff`),
  };

  endpoint.handle(JoinCourseRequest.type, async (p) => {
    const outcome = await ctx.invites.join(inviteCodeHash(p.code), caller.person.id);
    if (!outcome.ok) {
      ctx.logger.info('invite refused', { personId: caller.person.id, reason: outcome.reason, courseId: outcome.invite?.courseId });
      throw refusals[outcome.reason](outcome.invite);
    }
    const course = await ctx.store.courses.get(outcome.invite.courseId);
    return { courseId: outcome.invite.courseId, title: course?.title ?? outcome.invite.courseId, role: outcome.role, joined: outcome.joined };
  });
}
