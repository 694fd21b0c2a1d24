// The versions table: every recorded state of a student's assignment folder,
// in portable SQL over the store's driver (SQLite and PostgreSQL alike). A
// folder's versions are numbered in order (`seq`) inside the transaction that
// adds one, so two versions recorded in the same millisecond keep their order.
// Retention removes version records only; the blobs they name stay (they may
// be shared with submissions and other versions).

import { randomBytes } from 'node:crypto';
import type { FolderVersion } from './records';
import type { Row, SqlDriver } from './sql-driver';

/** The folder a version belongs to. */
export interface FolderKey {
  courseId: string;
  studentId: string;
  assignmentId: string;
}

/** How long versions are kept; every limit spares a folder's newest version. */
export interface VersionRetention {
  /** Versions kept per student and assignment. */
  keepPerFolder: number;
  /** Versions older than this many days are removed. */
  keepDays: number;
  /** Bytes of versions (their files' sizes, summed) a course may hold; the oldest go first. */
  courseQuotaBytes: number;
}

function versionOf(r: Row): FolderVersion {
  return {
    id: String(r.id),
    courseId: String(r.course_id),
    studentId: String(r.student_id),
    assignmentId: String(r.assignment_id),
    seq: Number(r.seq),
    recordedAt: String(r.recorded_at),
    manifestHash: String(r.manifest_hash),
    fileCount: Number(r.file_count),
    totalBytes: Number(r.total_bytes),
  };
}

const FOLDER = 'course_id = ? AND assignment_id = ? AND student_id = ?';
const folderParams = (k: FolderKey): unknown[] => [k.courseId, k.assignmentId, k.studentId];

export class VersionStore {
  constructor(private readonly db: SqlDriver) {}

  /** Add a version unless the folder's newest one has the same manifest; resolves to the version added, or undefined. */
  async addIfChanged(v: FolderKey & { recordedAt: string; manifestHash: string; fileCount: number; totalBytes: number }): Promise<FolderVersion | undefined> {
    return this.db.transaction(async (tx) => {
      const last = await tx.get(`SELECT seq, manifest_hash FROM versions WHERE ${FOLDER} ORDER BY seq DESC LIMIT 1`, folderParams(v));
      if (last && String(last.manifest_hash) === v.manifestHash) return undefined;
      const version: FolderVersion = { id: `v_${randomBytes(10).toString('hex')}`, seq: last ? Number(last.seq) + 1 : 1, ...v };
      await tx.run(
        'INSERT INTO versions (id, course_id, student_id, assignment_id, seq, recorded_at, manifest_hash, file_count, total_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [version.id, v.courseId, v.studentId, v.assignmentId, version.seq, v.recordedAt, v.manifestHash, v.fileCount, v.totalBytes],
      );
      return version;
    });
  }

  async get(id: string): Promise<FolderVersion | undefined> {
    const r = await this.db.get('SELECT * FROM versions WHERE id = ?', [id]);
    return r ? versionOf(r) : undefined;
  }

  /** The folder's newest version. */
  async latest(k: FolderKey): Promise<FolderVersion | undefined> {
    const r = await this.db.get(`SELECT * FROM versions WHERE ${FOLDER} ORDER BY seq DESC LIMIT 1`, folderParams(k));
    return r ? versionOf(r) : undefined;
  }

  /** The folder's last version recorded at or before `at` (ISO 8601, the hub's clock). */
  async atOrBefore(k: FolderKey, at: string): Promise<FolderVersion | undefined> {
    const r = await this.db.get(`SELECT * FROM versions WHERE ${FOLDER} AND recorded_at <= ? ORDER BY seq DESC LIMIT 1`, [...folderParams(k), at]);
    return r ? versionOf(r) : undefined;
  }

  /** The folder's versions, newest first; `before`: recorded strictly before this instant. */
  async list(k: FolderKey, options: { before?: string; limit: number }): Promise<FolderVersion[]> {
    const rows = options.before
      ? await this.db.all(`SELECT * FROM versions WHERE ${FOLDER} AND recorded_at < ? ORDER BY seq DESC LIMIT ?`, [...folderParams(k), options.before, options.limit])
      : await this.db.all(`SELECT * FROM versions WHERE ${FOLDER} ORDER BY seq DESC LIMIT ?`, [...folderParams(k), options.limit]);
    return rows.map(versionOf);
  }

  /** Apply the retention rules to one folder and then to its course; resolves to the number of versions removed. */
  async prune(k: FolderKey, r: VersionRetention, now: Date): Promise<number> {
    let removed = 0;
    const newest = await this.latest(k);
    if (!newest) return 0;
    removed += await this.db.run(`DELETE FROM versions WHERE ${FOLDER} AND seq <= ?`, [...folderParams(k), newest.seq - r.keepPerFolder]);
    const cutoff = new Date(now.getTime() - r.keepDays * 86_400_000).toISOString();
    removed += await this.db.run(`DELETE FROM versions WHERE ${FOLDER} AND recorded_at < ? AND seq < ?`, [...folderParams(k), cutoff, newest.seq]);
    const used = Number((await this.db.get<{ n: unknown }>('SELECT COALESCE(SUM(total_bytes), 0) AS n FROM versions WHERE course_id = ?', [k.courseId]))?.n ?? 0);
    if (used <= r.courseQuotaBytes) return removed;
    // Over the course's quota: the oldest versions go first, each folder's newest never.
    let excess = used - r.courseQuotaBytes;
    const oldest = await this.db.all(
      `SELECT v.id, v.total_bytes FROM versions v WHERE v.course_id = ? AND v.seq < (SELECT MAX(w.seq) FROM versions w WHERE w.course_id = v.course_id AND w.assignment_id = v.assignment_id AND w.student_id = v.student_id) ORDER BY v.recorded_at ASC LIMIT 1000`,
      [k.courseId],
    );
    for (const row of oldest) {
      if (excess <= 0) break;
      removed += await this.db.run('DELETE FROM versions WHERE id = ?', [row.id]);
      excess -= Number(row.total_bytes);
    }
    return removed;
  }

  /** Bytes of versions a course holds (the sum of each version's file sizes). */
  async courseBytes(courseId: string): Promise<number> {
    return Number((await this.db.get<{ n: unknown }>('SELECT COALESCE(SUM(total_bytes), 0) AS n FROM versions WHERE course_id = ?', [courseId]))?.n ?? 0);
  }
}
