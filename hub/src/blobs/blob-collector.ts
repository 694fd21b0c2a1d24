// Reclaiming the disk of blobs nothing names any more (the files of versions
// that retention removed, mostly). Mark and sweep, safe against the writers
// that run meanwhile:
//
// - Mark: every sha256 the database names anywhere — any text of any column
//   of any table (version and submission manifests, specification hashes,
//   grade records, assignments' starter manifests, and whatever a later table
//   adds) — and every file hash listed by a manifest blob so named. Reading
//   all of it errs on the side of keeping: a blob is removed only when no row
//   could mean it.
// - Sweep: a blob is removed only when it is also older than the grace time
//   (its file's modification time). Writers mark what they use: `put` and
//   `hold` set the time to now, and a writer references a blob within seconds
//   of doing so (the version recorder holds or puts every blob before it adds
//   the row), so a blob that is being reused or written is young and kept.
//   The last race — a writer holding a blob between the sweep's look at its
//   time and its removal — is closed by moving the file aside first and
//   looking again: a hold that came before the move made it young, and it is
//   moved back; one that comes after finds no blob and writes it again.
//
// Temporary files of the atomic writer older than the grace time (left by a
// crash) are removed too.

import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@classpod/observability';
import { isTempName } from '@classpod/sync';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../store/tables';
import type { BlobStore } from './blob-store';

/** What one collection did. */
export interface BlobCollection {
  /** Hashes the database names (blobs or not). */
  named: number;
  /** Blob files looked at. */
  blobs: number;
  removed: number;
  removedBytes: number;
  /** Unreferenced blobs kept because they were younger than the grace time. */
  keptYoung: number;
}

/** Largest blob read to look for manifest entries in it (bytes). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const SHA256 = /[0-9a-f]{64}/g;
const SUFFIX = '.collecting';

/** The tables of the store's database (every one, also those no declaration names yet). */
async function tableNames(db: Kysely<Tables>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.filter((t) => !t.isView).map((t) => t.name).filter((n) => /^[a-z_][a-z0-9_]*$/.test(n));
}

export class BlobCollector {
  private running: Promise<BlobCollection> | undefined;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
    /** Blobs younger than this are never removed (ms). */
    private readonly graceMs: number,
  ) {}

  /** Collect once (one at a time; a call while one runs waits for it). */
  collect(): Promise<BlobCollection> {
    this.running ??= this.collectOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Every sha256 the database names, and the entries of every manifest blob among them. */
  private async named(): Promise<Set<string>> {
    const named = new Set<string>();
    for (const table of await tableNames(this.db)) {
      for (const row of (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(this.db)).rows) {
        for (const value of Object.values(row)) {
          if (typeof value === 'string') for (const m of value.matchAll(SHA256)) named.add(m[0]);
        }
      }
    }
    for (const hash of [...named]) {
      const entries = await this.manifestEntries(hash);
      for (const e of entries) named.add(e);
    }
    return named;
  }

  /** The hashes a blob lists when it is a manifest (a JSON array of entries with `sha256`); none otherwise. */
  private async manifestEntries(hash: string): Promise<string[]> {
    const file = join(this.blobs.dir, hash.slice(0, 2), hash.slice(2));
    const st = await stat(file).catch(() => undefined);
    if (!st || st.size > MAX_MANIFEST_BYTES || st.size < 2) return [];
    let data: Buffer;
    try {
      data = await this.blobs.get(hash);
    } catch {
      return [];
    }
    if (data[0] !== 0x5b /* [ */) return [];
    try {
      const parsed = JSON.parse(data.toString('utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.flatMap((e) => (e && typeof (e as { sha256?: unknown }).sha256 === 'string' ? [(e as { sha256: string }).sha256] : []));
    } catch {
      return [];
    }
  }

  private async collectOnce(): Promise<BlobCollection> {
    const named = await this.named();
    const result: BlobCollection = { named: named.size, blobs: 0, removed: 0, removedBytes: 0, keptYoung: 0 };
    const young = (mtimeMs: number): boolean => Date.now() - mtimeMs < this.graceMs;
    for (const sub of await readdir(this.blobs.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      const dir = join(this.blobs.dir, sub);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const file = join(dir, name);
        if (isTempName(name) || name.endsWith(SUFFIX)) {
          // A writer's leftover (or a sweep interrupted between its two steps): only once it is old.
          const st = await stat(file).catch(() => undefined);
          if (st && !young(st.mtimeMs)) await unlink(file).catch(() => undefined);
          continue;
        }
        if (!/^[0-9a-f]{62}$/.test(name)) continue;
        result.blobs += 1;
        if (named.has(sub + name)) continue;
        const st = await stat(file).catch(() => undefined);
        if (!st) continue;
        if (young(st.mtimeMs)) {
          result.keptYoung += 1;
          continue;
        }
        // Move aside, then look again: a writer that held it meanwhile made it young.
        const aside = file + SUFFIX;
        if (!(await rename(file, aside).then(() => true, () => false))) continue;
        const again = await stat(aside).catch(() => undefined);
        if (again && young(again.mtimeMs)) {
          await rename(aside, file).catch(() => undefined);
          result.keptYoung += 1;
          continue;
        }
        await unlink(aside).catch(() => undefined);
        result.removed += 1;
        result.removedBytes += st.size;
      }
    }
    this.logger.info('blobs collected', { ...result });
    return result;
  }
}
