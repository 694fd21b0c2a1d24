// The prewarm_sessions table: a course's lab sessions whose workspaces the hub
// starts ahead of time (workspaces/prewarm-scheduler.ts), in portable SQL over
// the store's driver. A session moves once, by compare-and-set, from
// `scheduled` to `warmed`, `missed` or `cancelled`, so a hub restarted halfway
// (or two looks at the clock racing) never warms a session twice.

import { randomBytes } from 'node:crypto';
import type { Row, SqlDriver } from './sql-driver';

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

function sessionOf(r: Row): PrewarmSessionRecord {
  return {
    id: String(r.id),
    courseId: String(r.course_id),
    startsAt: String(r.starts_at),
    leadSeconds: Number(r.lead_seconds),
    warmAt: String(r.warm_at),
    ...(r.label === null || r.label === undefined ? {} : { label: String(r.label) }),
    state: String(r.state) as PrewarmSessionState,
    createdBy: String(r.created_by),
    createdAt: String(r.created_at),
    ...(r.warmed_at === null || r.warmed_at === undefined ? {} : { warmedAt: String(r.warmed_at) }),
    ...(r.started === null || r.started === undefined ? {} : { started: Number(r.started) }),
    ...(r.failed === null || r.failed === undefined ? {} : { failed: Number(r.failed) }),
  };
}

export class PrewarmStore {
  constructor(private readonly db: SqlDriver) {}

  /** Schedule a session. */
  async add(s: { courseId: string; startsAt: string; leadSeconds: number; label?: string; createdBy: string; createdAt: string }): Promise<PrewarmSessionRecord> {
    const id = `pw_${randomBytes(10).toString('hex')}`;
    const warmAt = new Date(Date.parse(s.startsAt) - s.leadSeconds * 1000).toISOString();
    await this.db.run(
      "INSERT INTO prewarm_sessions (id, course_id, starts_at, lead_seconds, warm_at, label, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)",
      [id, s.courseId, new Date(s.startsAt).toISOString(), s.leadSeconds, warmAt, s.label ?? null, s.createdBy, s.createdAt],
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<PrewarmSessionRecord | undefined> {
    const r = await this.db.get('SELECT * FROM prewarm_sessions WHERE id = ?', [id]);
    return r ? sessionOf(r) : undefined;
  }

  /** A course's sessions, soonest first. */
  async list(courseId: string): Promise<PrewarmSessionRecord[]> {
    return (await this.db.all('SELECT * FROM prewarm_sessions WHERE course_id = ? ORDER BY starts_at ASC, id ASC', [courseId])).map(sessionOf);
  }

  /** Scheduled sessions whose warm-up time is at or before `at`, soonest first. */
  async due(at: string): Promise<PrewarmSessionRecord[]> {
    return (await this.db.all("SELECT * FROM prewarm_sessions WHERE state = 'scheduled' AND warm_at <= ? ORDER BY warm_at ASC, id ASC", [at])).map(sessionOf);
  }

  /** The warm-up time of the soonest scheduled session, if any. */
  async nextWarmAt(): Promise<string | undefined> {
    const r = await this.db.get<{ t: unknown }>("SELECT MIN(warm_at) AS t FROM prewarm_sessions WHERE state = 'scheduled'");
    return r?.t === null || r?.t === undefined ? undefined : String(r.t);
  }

  /** Move a scheduled session to `state`; false when it was no longer scheduled (another look, a cancel). */
  async finish(id: string, state: Exclude<PrewarmSessionState, 'scheduled'>, result: { at: string; started?: number; failed?: number }): Promise<boolean> {
    const changed = await this.db.run("UPDATE prewarm_sessions SET state = ?, warmed_at = ?, started = ?, failed = ? WHERE id = ? AND state = 'scheduled'", [
      state,
      state === 'warmed' ? result.at : null,
      result.started ?? null,
      result.failed ?? null,
      id,
    ]);
    return changed === 1;
  }
}
