// Invites (table `invites`): a course, the hash of the code, the expiry, the
// use limit and the uses so far. A join is one transaction whose use of the
// invite is a compare-and-set update (not revoked, not expired by the hub's
// clock, under its limit), so racing joins never exceed the limit.

import { sql, type Selectable } from 'kysely';
import { AuditRepository } from './audit-repository';
import type { Role } from './records';
import { newId, Repository } from './repository';
import type { InvitesTable } from './tables';

/** One invite as stored. */
export interface InviteRecord {
  id: string;
  courseId: string;
  role: Role;
  section?: string;
  expiresAt: string;
  maxUses?: number;
  uses: number;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
}

/** Why a join did not enrol anyone. */
export type JoinRefusal = 'unknown' | 'revoked' | 'expired' | 'used-up' | 'withdrawn';

/** What a join did. */
export type JoinOutcome =
  | { ok: true; invite: InviteRecord; role: Role; joined: boolean }
  | { ok: false; reason: JoinRefusal; invite?: InviteRecord };

function inviteOf(r: Selectable<InvitesTable>): InviteRecord {
  return {
    id: r.id,
    courseId: r.course_id,
    role: r.role as Role,
    ...(r.section_id ? { section: r.section_id } : {}),
    expiresAt: r.expires_at,
    ...(r.max_uses === null ? {} : { maxUses: Number(r.max_uses) }),
    uses: Number(r.uses),
    createdBy: r.created_by,
    createdAt: r.created_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

export class InviteRepository extends Repository {
  async create(i: { courseId: string; codeHash: string; role: Role; section?: string; expiresAt: string; maxUses?: number; createdBy: string }): Promise<InviteRecord> {
    const id = newId('inv');
    const at = this.iso();
    await this.inTransaction(async (ctx) => {
      await ctx.db
        .insertInto('invites')
        .values({
          id,
          course_id: i.courseId,
          code_hash: i.codeHash,
          role: i.role,
          section_id: i.section ?? null,
          expires_at: i.expiresAt,
          max_uses: i.maxUses ?? null,
          uses: 0,
          created_by: i.createdBy,
          created_at: at,
        })
        .execute();
      await new AuditRepository(ctx).add({
        actorId: i.createdBy,
        action: 'invite.create',
        courseId: i.courseId,
        target: id,
        detail: JSON.stringify({ expiresAt: i.expiresAt, maxUses: i.maxUses ?? null, section: i.section ?? null }),
      });
    });
    return (await this.get(i.courseId, id))!;
  }

  async get(courseId: string, id: string): Promise<InviteRecord | undefined> {
    const r = await this.db.selectFrom('invites').selectAll().where('course_id', '=', courseId).where('id', '=', id).executeTakeFirst();
    return r ? inviteOf(r) : undefined;
  }

  /** A course's invites, newest first. */
  async list(courseId: string): Promise<InviteRecord[]> {
    return (await this.db.selectFrom('invites').selectAll().where('course_id', '=', courseId).orderBy('created_at', 'desc').orderBy('id').execute()).map(inviteOf);
  }

  /** Revoke; false when there is no such live invite. */
  async revoke(courseId: string, id: string, actorId: string): Promise<boolean> {
    return this.inTransaction(async (ctx) => {
      const changed = await ctx.db
        .updateTable('invites')
        .set({ revoked_at: this.iso() })
        .where('course_id', '=', courseId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return false;
      await new AuditRepository(ctx).add({ actorId, action: 'invite.revoke', courseId, target: id, detail: JSON.stringify({}) });
      return true;
    });
  }

  /** Use the invite whose code hashes to `codeHash` to enrol `personId`. */
  async join(codeHash: string, personId: string): Promise<JoinOutcome> {
    const at = this.iso();
    return this.inTransaction(async (ctx): Promise<JoinOutcome> => {
      const { db } = ctx;
      const r = await db.selectFrom('invites').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!r) return { ok: false, reason: 'unknown' };
      const invite = inviteOf(r);
      const enrolment = await db.selectFrom('enrolments').select(['role', 'withdrawn_at']).where('course_id', '=', invite.courseId).where('person_id', '=', personId).executeTakeFirst();
      if (invite.revokedAt) return { ok: false, reason: 'revoked', invite };
      if (invite.expiresAt <= at) return { ok: false, reason: 'expired', invite };
      if (enrolment?.withdrawn_at) return { ok: false, reason: 'withdrawn', invite };
      // Already in the course: keep the role, use nothing.
      if (enrolment) return { ok: true, invite, role: enrolment.role as Role, joined: false };
      const used = await db
        .updateTable('invites')
        .set({ uses: sql<number>`uses + 1` })
        .where('id', '=', invite.id)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return { ok: false, reason: 'used-up', invite };
      await db.insertInto('enrolments').values({ course_id: invite.courseId, person_id: personId, role: invite.role, created_at: at, section_id: invite.section ?? null }).execute();
      const audit = new AuditRepository(ctx);
      await audit.add({ actorId: personId, action: 'invite.join', courseId: invite.courseId, target: invite.id, detail: JSON.stringify({ personId }) });
      await audit.add({ actorId: personId, action: 'role.change', courseId: invite.courseId, target: personId, detail: JSON.stringify({ from: null, to: invite.role, source: 'invite' }) });
      return { ok: true, invite: { ...invite, uses: invite.uses + 1 }, role: invite.role, joined: true };
    });
  }
}
