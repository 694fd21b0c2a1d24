// Atomic file replacement: content goes to a temporary file in the same
// directory, is flushed to disk, and only then renamed over the target, so a
// crash or a dropped connection mid-write never leaves a half-written file.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Marker in the names of temporary files, so watchers can ignore them. */
export const TEMP_MARKER = '.classpod-tmp-';

/** True for names of this module's temporary files. */
export function isTempName(name: string): boolean {
  return path.basename(name).includes(TEMP_MARKER);
}

/** A file being written; `commit()` puts it in place, `abort()` throws it away. */
export class AtomicFile {
  private done = false;

  private constructor(
    readonly target: string,
    readonly tempPath: string,
    private readonly handle: fs.FileHandle,
  ) {}

  /** Start writing `target` (its directory must exist). */
  static async create(target: string, mode: number): Promise<AtomicFile> {
    const tempPath = path.join(path.dirname(target), `.${path.basename(target)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
    const handle = await fs.open(tempPath, 'wx', mode);
    // The umask may have narrowed the mode; set it exactly.
    await handle.chmod(mode);
    return new AtomicFile(target, tempPath, handle);
  }

  /** Append bytes. */
  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, at, data.byteLength - at);
      at += bytesWritten;
    }
  }

  /** Flush, close and rename over the target; then flush the directory entry. */
  async commit(): Promise<void> {
    if (this.done) throw new Error('atomic file already finished');
    this.done = true;
    try {
      await this.handle.sync();
      await this.handle.close();
      await fs.rename(this.tempPath, this.target);
    } catch (err) {
      await fs.rm(this.tempPath, { force: true });
      throw err;
    }
    const dir = await fs.open(path.dirname(this.target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Close and remove the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.tempPath, { force: true });
  }
}

/** Replace `target` with `data` atomically. */
export async function writeFileAtomic(target: string, data: Uint8Array, mode: number): Promise<void> {
  const file = await AtomicFile.create(target, mode);
  try {
    await file.write(data);
  } catch (err) {
    await file.abort();
    throw err;
  }
  await file.commit();
}
