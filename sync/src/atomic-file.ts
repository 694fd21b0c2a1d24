// Writing a file so that a reader (or a restart after a kill) sees either the
// old content or the new one, never half of it: a temporary file beside the
// target, created exclusively under a random name, flushed, then renamed over
// the target. Replacing by rename is also how a file with other hard links is
// changed without touching them. The only atomic writer of the packages: the
// agent's files service and the sync engine both use it, through the tree
// jail, and every temporary name carries TEMP_MARKER, which sync ignores and
// listings hide.

import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { HeldFolder } from './held-folder';
import { TEMP_MARKER } from './ignore-rules';

/** True for the names of temporary files. */
export function isTempName(name: string): boolean {
  return path.basename(name).includes(TEMP_MARKER);
}

/** A fresh temporary name for `name`: hidden, marked, random, short enough for any file system. */
export function tempNameFor(name: string): string {
  return `.${name.slice(0, 64)}${TEMP_MARKER}${randomBytes(8).toString('hex')}`;
}

/** A file being written; `commit()` puts it in place, `abort()` throws it away. */
export class AtomicFile {
  private done = false;

  private constructor(
    private readonly folder: HeldFolder,
    /** The name it replaces in its folder. */
    readonly name: string,
    private readonly temp: string,
    private readonly handle: fs.FileHandle,
    private readonly onDone: () => Promise<void>,
  ) {}

  /**
   * Start writing `name` in `folder`, with exactly `mode` (`exactMode: false`:
   * as the umask leaves it, one system call less, for files whose mode is set
   * when they are used). `onDone` runs once the file is committed or aborted
   * (the caller releases the folder there).
   */
  static async create(
    folder: HeldFolder,
    name: string,
    mode: number,
    onDone: () => Promise<void> = async () => undefined,
    options: { exactMode?: boolean } = {},
  ): Promise<AtomicFile> {
    const temp = tempNameFor(name);
    let handle: fs.FileHandle;
    try {
      handle = await folder.createExclusive(temp, mode);
    } catch (err) {
      await onDone();
      throw err;
    }
    const file = new AtomicFile(folder, name, temp, handle, onDone);
    if (options.exactMode === false) return file;
    try {
      // The umask may have narrowed the mode; set it exactly, on the file we created.
      await handle.chmod(mode);
    } catch (err) {
      await file.abort();
      throw err;
    }
    return file;
  }

  /** Append bytes. */
  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, at, data.byteLength - at);
      at += bytesWritten;
    }
  }

  /** Append the whole content of an open file; returns the bytes copied. */
  async copyFrom(source: fs.FileHandle): Promise<number> {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let position = 0;
    for (;;) {
      const { bytesRead } = await source.read(buffer, 0, buffer.byteLength, position);
      if (bytesRead === 0) return position;
      await this.write(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  }

  /** Give the new file these access and modification times (kept by the rename), e.g. those of the file it copies. */
  async setTimes(atime: Date, mtime: Date): Promise<void> {
    await this.handle.utimes(atime, mtime);
  }

  /** Flush, close and rename over the target; then flush the folder. Returns the new file's stat. */
  async commit(options: { fsync?: boolean } = {}): Promise<Stats> {
    const fsync = options.fsync ?? true;
    return this.putInPlace(async () => {
      if (fsync) await this.handle.sync();
      return this.handle.stat();
    }, fsync);
  }

  /**
   * Close and rename over the target, without flushing and without a stat:
   * for content that may be lost in a crash of the machine (it is sent
   * again), such as staged content, where every system call per file counts.
   */
  async commitUnflushed(): Promise<void> {
    await this.putInPlace(async () => undefined, false);
  }

  /** Close and remove the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.discard();
    } finally {
      await this.onDone();
    }
  }

  /**
   * The one way a file is finished: `beforeClose` on the open file, close,
   * rename over the target (the temporary file removed if any of that fails),
   * then the folder flushed when `syncFolder`. `onDone` runs in every case.
   */
  private async putInPlace<T>(beforeClose: () => Promise<T>, syncFolder: boolean): Promise<T> {
    if (this.done) throw new Error('atomic file already finished');
    this.done = true;
    try {
      let result: T;
      try {
        result = await beforeClose();
        await this.handle.close();
        await this.folder.rename(this.temp, this.folder, this.name);
      } catch (err) {
        await this.discard();
        throw err;
      }
      if (syncFolder) await this.folder.sync();
      return result;
    } finally {
      await this.onDone();
    }
  }

  /** Close the handle (again, harmlessly, if it was closed) and remove the temporary file, ignoring failures of either. */
  private async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await this.folder.unlink(this.temp).catch(() => undefined);
  }
}

/**
 * Replace `target` with `data` atomically. For files at paths the caller
 * trusts (the extension's own state folder); anything in a tree a student
 * can write goes through the tree jail instead.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: { fsync?: boolean; mode?: number } = {}): Promise<void> {
  const folder = await HeldFolder.open(path.dirname(target));
  const file = await AtomicFile.create(folder, path.basename(target), options.mode ?? 0o644, () => folder.close());
  try {
    await file.write(typeof data === 'string' ? Buffer.from(data) : data);
  } catch (err) {
    await file.abort();
    throw err;
  }
  await file.commit(options);
}

/** Read and parse a JSON file at a trusted path; undefined when it does not exist or does not parse. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseJson(text);
}

/** JSON.parse, undefined for text that does not parse. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
