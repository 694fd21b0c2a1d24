// Content-addressed blobs on disk: a file's name is the sha256 of its content
// (`<dir>/ab/cdef…`). Writes go through the packages' one atomic writer (a
// marked temporary name, renamed into place), so a blob is either absent or
// complete, and writing the same content twice is free. Snapshots (a student's folder at one moment) are a manifest blob that
// lists path, mode, size and content hash of every file. Blobs nothing names
// any more are removed by the blob collector (blob-collector.ts).

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@classpod/sync';
import type { ManifestEntry } from '../store/records';

/** sha256 of bytes, hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file of a folder with its content. */
export interface FolderFileData {
  path: string;
  content: Buffer;
  mode: number;
}

/** Thrown when a blob is missing or its content does not match its name. */
export class BlobError extends Error {
  constructor(readonly code: 'missing' | 'corrupt', message: string) {
    super(message);
  }
}

export class BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new BlobError('missing', `\`${hash}\` is not a sha256 hash`);
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  /** Store bytes; resolves to their hash. A blob already stored is marked as just used (see `hold`). */
  async put(data: Uint8Array): Promise<string> {
    const hash = sha256Hex(data);
    const target = this.pathOf(hash);
    if (await this.hold(hash)) return hash;
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
    await writeFileAtomic(target, data, { fsync: false });
    return hash;
  }

  /**
   * Whether a blob is stored, marking it as just used: its file's modification
   * time becomes now, so the blob collector (blob-collector.ts), which spares
   * young blobs, keeps it while the caller goes on to reference it. Writers that
   * reuse a stored blob instead of writing it call this, never `has`.
   */
  async hold(hash: string): Promise<boolean> {
    const now = new Date();
    return utimes(this.pathOf(hash), now, now).then(
      () => true,
      () => false,
    );
  }

  /** Whether a blob is stored (its content is not checked). */
  async has(hash: string): Promise<boolean> {
    return stat(this.pathOf(hash)).then(
      () => true,
      () => false,
    );
  }

  /** Read a blob and check it still matches its name. */
  async get(hash: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.pathOf(hash));
    } catch {
      throw new BlobError('missing', `blob ${hash} is missing from ${this.dir}`);
    }
    if (sha256Hex(data) !== hash) throw new BlobError('corrupt', `blob ${hash} does not match its content`);
    return data;
  }

  /** Store a folder's files; resolves to the manifest (sorted by path) and its hash. */
  async putFolder(files: FolderFileData[]): Promise<{ manifest: ManifestEntry[]; hash: string; totalBytes: number }> {
    const manifest: ManifestEntry[] = [];
    let totalBytes = 0;
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const sha256 = await this.put(f.content);
      manifest.push({ path: f.path, sha256, size: f.content.byteLength, mode: f.mode & 0o777 });
      totalBytes += f.content.byteLength;
    }
    const hash = await this.put(Buffer.from(JSON.stringify(manifest)));
    return { manifest, hash, totalBytes };
  }

  /** The manifest of a stored folder. */
  async manifest(hash: string): Promise<ManifestEntry[]> {
    return JSON.parse((await this.get(hash)).toString('utf8')) as ManifestEntry[];
  }

  /** Every file of a manifest with its content. */
  async readFolder(manifest: ManifestEntry[]): Promise<FolderFileData[]> {
    const out: FolderFileData[] = [];
    for (const e of manifest) out.push({ path: e.path, content: await this.get(e.sha256), mode: e.mode });
    return out;
  }
}
