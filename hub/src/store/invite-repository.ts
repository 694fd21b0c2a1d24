// Invites in the store (table `invites`): a course, the hash of the code, the
// expiry, the use limit and the uses so far. A join is one transaction whose
// use of the invite is a compare-and-set update (not revoked, not expired by
// the hub's clock, under its limit), so racing joins never exceed the limit.

import { newId } from './store';
import type { Role } from './records';
import type { Row, SqlDriver } from './sql-driver';

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

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function inviteOf(r: Row): InviteRecord {
  return {
    id: String(r.id),
    courseId: String(r.course_id),
    role: String(r.role) as Role,
    ...(str(r.section_id) ? { section: str(r.section_id) } : {}),
    expiresAt: String(r.expires_at),
    ...(r.max_uses === null || r.max_uses === undefined ? {} : { maxUses: Number(r.max_uses) }),
    uses: Number(r.uses),
    createdBy: String(r.created_by),
    createdAt: String(r.created_at),
    ...(str(r.revoked_at) ? { revokedAt: str(r.revoked_at) } : {}),
  };
}

export class InviteRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(i: { courseId: string; codeHash: string; role: Role; section?: string; expiresAt: string; maxUses?: number; createdBy: string }): Promise<InviteRecord> {
    const id = newId('inv');
    const at = this.now().toISOString();
    await this.db.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO invites (id, course_id, code_hash, role, section_id, expires_at, max_uses, uses, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [id, i.courseId, i.codeHash, i.role, i.section ?? null, i.expiresAt, i.maxUses ?? null, i.createdBy, at],
      );
      await this.auditIn(tx, i.createdBy, 'invite.create', i.courseId, id, { expiresAt: i.expiresAt, maxUses: i.maxUses ?? null, section: i.section ?? null }, at);
    });
    return (await this.get(i.courseId, id))!;
  }

  async get(courseId: string, id: string): Promise<InviteRecord | undefined> {
    const r = await this.db.get('SELECT * FROM invites WHERE course_id = ? AND id = ?', [courseId, id]);
    return r ? inviteOf(r) : undefined;
  }

  async list(courseId: string): Promise<InviteRecord[]> {
    return (await this.db.all('SELECT * FROM invites WHERE course_id = ? ORDER BY created_at DESC, id', [courseId])).map(inviteOf);
  }

  /** Revoke; false when there is no such live invite. */
  async revoke(courseId: string, id: string, actorId: string): Promise<boolean> {
    const at = this.now().toISOString();
    return this.db.transaction(async (tx) => {
      const changed = await tx.run('UPDATE invites SET revoked_at = ? WHERE course_id = ? AND id = ? AND revoked_at IS NULL', [at, courseId, id]);
      if (changed === 1) await this.auditIn(tx, actorId, 'invite.revoke', courseId, id, {}, at);
      return changed === 1;
    });
  }

  /** Use the invite whose code hashes to `codeHash` to enrol `personId`. */
  async join(codeHash: string, personId: string): Promise<JoinOutcome> {
    const at = this.now().toISOString();
    return this.db.transaction(async (tx): Promise<JoinOutcome> => {
      const r = await tx.get('SELECT * FROM invites WHERE code_hash = ?', [codeHash]);
      if (!r) return { ok: false, reason: 'unknown' };
      const invite = inviteOf(r);
      const enrolment = await tx.get<{ role: Role; withdrawn_at: string | null }>('SELECT role, withdrawn_at FROM enrolments WHERE course_id = ? AND person_id = ?', [invite.courseId, personId]);
      if (invite.revokedAt) return { ok: false, reason: 'revoked', invite };
      if (invite.expiresAt <= at) return { ok: false, reason: 'expired', invite };
      if (enrolment?.withdrawn_at) return { ok: false, reason: 'withdrawn', invite };
      // Already in the course: keep the role, use nothing.
      if (enrolment) return { ok: true, invite, role: enrolment.role, joined: false };
      const used = await tx.run('UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)', [invite.id, at]);
      if (used !== 1) return { ok: false, reason: 'used-up', invite };
      await tx.run('INSERT INTO enrolments (course_id, person_id, role, created_at, section_id) VALUES (?, ?, ?, ?, ?)', [invite.courseId, personId, invite.role, at, invite.section ?? null]);
      await this.auditIn(tx, personId, 'invite.join', invite.courseId, invite.id, { personId }, at);
      await this.auditIn(tx, personId, 'role.change', invite.courseId, personId, { from: null, to: invite.role, source: 'invite' }, at);
      return { ok: true, invite: { ...invite, uses: invite.uses + 1 }, role: invite.role, joined: true };
    });
  }

  private async auditIn(tx: { run(sql: string, params?: unknown[]): Promise<number> }, actorId: string, action: string, courseId: string, target: string, detail: unknown, at: string): Promise<void> {
    await tx.run('INSERT INTO audit (id, at, actor_id, action, course_id, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [newId('a'), at, actorId, action, courseId, target, JSON.stringify(detail)]);
  }
}
