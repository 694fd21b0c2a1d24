// Versions: every recorded state of a student's assignment folder (a manifest
// in the blob store). A folder's versions are numbered in order (`seq`) inside
// the transaction that adds one, so two versions recorded in the same
// millisecond keep their order. Retention removes version records only; the
// blobs they name stay (they may be shared with submissions and other versions).

import type { Selectable } from 'kysely';
import type { FolderVersion } from './records';
import { newId, Repository } from './repository';
import type { Db, VersionsTable } from './tables';

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

function versionOf(r: Selectable<VersionsTable>): FolderVersion {
  return {
    id: r.id,
    courseId: r.course_id,
    studentId: r.student_id,
    assignmentId: r.assignment_id,
    seq: Number(r.seq),
    recordedAt: r.recorded_at,
    manifestHash: r.manifest_hash,
    fileCount: Number(r.file_count),
    totalBytes: Number(r.total_bytes),
    ...(r.authors ? { authors: r.authors.split(' ') } : {}),
  };
}

/** The versions of one folder. */
function ofFolder(db: Db, k: FolderKey) {
  return db.selectFrom('versions').where('course_id', '=', k.courseId).where('assignment_id', '=', k.assignmentId).where('student_id', '=', k.studentId);
}

function deleteOfFolder(db: Db, k: FolderKey) {
  return db.deleteFrom('versions').where('course_id', '=', k.courseId).where('assignment_id', '=', k.assignmentId).where('student_id', '=', k.studentId);
}

export class VersionRepository extends Repository {
  /** Add a version unless the folder's newest one has the same manifest; resolves to the version added, or undefined. */
  async addIfChanged(v: FolderKey & { recordedAt: string; manifestHash: string; fileCount: number; totalBytes: number; authors?: string[] }): Promise<FolderVersion | undefined> {
    return this.inTransaction(async ({ db }) => {
      const last = await ofFolder(db, v).select(['seq', 'manifest_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (last && last.manifest_hash === v.manifestHash) return undefined;
      const version: FolderVersion = { id: newId('v'), seq: last ? Number(last.seq) + 1 : 1, ...v };
      if (!version.authors?.length) delete version.authors;
      await db
        .insertInto('versions')
        .values({
          id: version.id,
          course_id: v.courseId,
          student_id: v.studentId,
          assignment_id: v.assignmentId,
          seq: version.seq,
          recorded_at: v.recordedAt,
          manifest_hash: v.manifestHash,
          file_count: v.fileCount,
          total_bytes: v.totalBytes,
          authors: v.authors && v.authors.length > 0 ? v.authors.join(' ') : null,
        })
        .execute();
      return version;
    });
  }

  async get(id: string): Promise<FolderVersion | undefined> {
    const r = await this.db.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? versionOf(r) : undefined;
  }

  /** The folder's newest version. */
  async latest(k: FolderKey): Promise<FolderVersion | undefined> {
    const r = await ofFolder(this.db, k).selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r ? versionOf(r) : undefined;
  }

  /** The folder's last version recorded at or before `at` (ISO 8601, the hub's clock). */
  async atOrBefore(k: FolderKey, at: string): Promise<FolderVersion | undefined> {
    const r = await ofFolder(this.db, k).selectAll().where('recorded_at', '<=', at).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r ? versionOf(r) : undefined;
  }

  /** The folder's versions, newest first; `before`: recorded strictly before this instant. */
  async list(k: FolderKey, options: { before?: string; limit: number }): Promise<FolderVersion[]> {
    const rows = await ofFolder(this.db, k)
      .selectAll()
      .$if(Boolean(options.before), (q) => q.where('recorded_at', '<', options.before!))
      .orderBy('seq', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(versionOf);
  }

  /** Apply the retention rules to one folder and then to its course; resolves to the number of versions removed. */
  async prune(k: FolderKey, r: VersionRetention, now: Date): Promise<number> {
    let removed = 0;
    const newest = await this.latest(k);
    if (!newest) return 0;
    const deleted = async (q: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }): Promise<number> => Number((await q.executeTakeFirst()).numDeletedRows);
    removed += await deleted(deleteOfFolder(this.db, k).where('seq', '<=', newest.seq - r.keepPerFolder));
    const cutoff = new Date(now.getTime() - r.keepDays * 86_400_000).toISOString();
    removed += await deleted(deleteOfFolder(this.db, k).where('recorded_at', '<', cutoff).where('seq', '<', newest.seq));
    const used = await this.courseBytes(k.courseId);
    if (used <= r.courseQuotaBytes) return removed;
    // Over the course's quota: the oldest versions go first, each folder's newest never.
    let excess = used - r.courseQuotaBytes;
    const oldest = await this.db
      .selectFrom('versions as v')
      .select(['v.id', 'v.total_bytes'])
      .where('v.course_id', '=', k.courseId)
      .where('v.seq', '<', (eb) =>
        eb
          .selectFrom('versions as w')
          .select((w) => w.fn.max('w.seq').as('seq'))
          .whereRef('w.course_id', '=', 'v.course_id')
          .whereRef('w.assignment_id', '=', 'v.assignment_id')
          .whereRef('w.student_id', '=', 'v.student_id'),
      )
      .orderBy('v.recorded_at', 'asc')
      .limit(1000)
      .execute();
    for (const row of oldest) {
      if (excess <= 0) break;
      removed += await deleted(this.db.deleteFrom('versions').where('id', '=', row.id));
      excess -= Number(row.total_bytes);
    }
    return removed;
  }

  /** Bytes of versions a course holds (the sum of each version's file sizes). */
  async courseBytes(courseId: string): Promise<number> {
    const r = await this.db
      .selectFrom('versions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total_bytes'), eb.lit(0)).as('n'))
      .where('course_id', '=', courseId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
