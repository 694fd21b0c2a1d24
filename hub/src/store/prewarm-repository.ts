// Pre-warmed lab sessions: a course's sessions whose workspaces the hub starts
// ahead of time (workspaces/prewarm-scheduler.ts). A session moves once, by
// compare-and-set, from `scheduled` to `warmed`, `missed` or `cancelled`, so a
// hub restarted halfway (or two looks at the clock racing) never warms a
// session twice.

import type { Selectable } from 'kysely';
import { newId, Repository } from './repository';
import type { PrewarmSessionsTable } from './tables';

export type PrewarmSessionState = 'scheduled' | 'warmed' | 'missed' | 'cancelled';

/** One scheduled session. Times are ISO 8601 by the hub's clock. */
export interface PrewarmSessionRecord {
  id: string;
  courseId: string;
  startsAt: string;
  leadSeconds: number;
  /** `startsAt` minus the lead time. */
  warmAt: string;
  label?: string;
  state: PrewarmSessionState;
  createdBy: string;
  createdAt: string;
  warmedAt?: string;
  started?: number;
  failed?: number;
}

function sessionOf(r: Selectable<PrewarmSessionsTable>): PrewarmSessionRecord {
  return {
    id: r.id,
    courseId: r.course_id,
    startsAt: r.starts_at,
    leadSeconds: Number(r.lead_seconds),
    warmAt: r.warm_at,
    ...(r.label === null ? {} : { label: r.label }),
    state: r.state as PrewarmSessionState,
    createdBy: r.created_by,
    createdAt: r.created_at,
    ...(r.warmed_at === null ? {} : { warmedAt: r.warmed_at }),
    ...(r.started === null ? {} : { started: Number(r.started) }),
    ...(r.failed === null ? {} : { failed: Number(r.failed) }),
  };
}

export class PrewarmRepository extends Repository {
  /** Schedule a session. */
  async add(s: { courseId: string; startsAt: string; leadSeconds: number; label?: string; createdBy: string; createdAt: string }): Promise<PrewarmSessionRecord> {
    const id = newId('pw');
    const warmAt = new Date(Date.parse(s.startsAt) - s.leadSeconds * 1000).toISOString();
    await this.db
      .insertInto('prewarm_sessions')
      .values({
        id,
        course_id: s.courseId,
        starts_at: new Date(s.startsAt).toISOString(),
        lead_seconds: s.leadSeconds,
        warm_at: warmAt,
        label: s.label ?? null,
        state: 'scheduled',
        created_by: s.createdBy,
        created_at: s.createdAt,
      })
      .execute();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<PrewarmSessionRecord | undefined> {
    const r = await this.db.selectFrom('prewarm_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? sessionOf(r) : undefined;
  }

  /** A course's sessions, soonest first. */
  async list(courseId: string): Promise<PrewarmSessionRecord[]> {
    return (await this.db.selectFrom('prewarm_sessions').selectAll().where('course_id', '=', courseId).orderBy('starts_at', 'asc').orderBy('id', 'asc').execute()).map(sessionOf);
  }

  /** Scheduled sessions whose warm-up time is at or before `at`, soonest first. */
  async due(at: string): Promise<PrewarmSessionRecord[]> {
    const rows = await this.db
      .selectFrom('prewarm_sessions')
      .selectAll()
      .where('state', '=', 'scheduled')
      .where('warm_at', '<=', at)
      .orderBy('warm_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(sessionOf);
  }

  /** The warm-up time of the soonest scheduled session, if any. */
  async nextWarmAt(): Promise<string | undefined> {
    const r = await this.db.selectFrom('prewarm_sessions').select((eb) => eb.fn.min('warm_at').as('t')).where('state', '=', 'scheduled').executeTakeFirst();
    return r?.t === null || r?.t === undefined ? undefined : String(r.t);
  }

  /** Move a scheduled session to `state`; false when it was no longer scheduled (another look, a cancel). */
  async finish(id: string, state: Exclude<PrewarmSessionState, 'scheduled'>, result: { at: string; started?: number; failed?: number }): Promise<boolean> {
    const changed = await this.db
      .updateTable('prewarm_sessions')
      .set({ state, warmed_at: state === 'warmed' ? result.at : null, started: result.started ?? null, failed: result.failed ?? null })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }
}
