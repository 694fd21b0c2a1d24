// Content waiting to be placed: files named by their hash in a staging folder.
// An incoming transfer appends to `<hash>.part`, so a dropped connection or a
// killed process leaves the bytes received so far, and the next transfer
// resumes from there; once complete and verified the part becomes `<hash>`.
// On the workspace side the staging folder lies inside the student's tree,
// so every access goes through its own tree jail: a link, FIFO or hard link
// put there is refused or replaced, never followed or written through.

import { createHash } from 'node:crypto';
import { constants as C } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ProtocolError, ErrorCode, type BinaryStream } from '@classpod/protocol';
import { AtomicFile, isTempName } from './atomic-file';
import type { HeldFolder } from './held-folder';
import { errorCode, fsError } from './jail-errors';
import { hashBytes } from './scanner';
import type { TreeJail } from './tree-jail';

/** Name of the staging folder inside a replica's state folder. */
export const STAGING_DIR_NAME = 'staging';

/** The staging folder of one replica. Close it with `close()`. */
export class ContentStaging {
  private readonly receiving = new Map<string, Promise<void>>();

  private constructor(private readonly jail: TreeJail) {}

  /**
   * Open (making it when missing) the staging folder inside `state`; remove
   * what is older than `maxAgeMs` (default one day), and anything there that
   * is not a regular file.
   */
  static async open(state: TreeJail, maxAgeMs = 24 * 3600_000): Promise<ContentStaging> {
    const jail = await state.subJail(STAGING_DIR_NAME, { create: true, links: 'none', label: 'the staging folder' });
    const staging = new ContentStaging(jail);
    const now = Date.now();
    for (const { name, stat } of (await jail.list('')).entries) {
      if (!stat.isFile() || now - stat.mtimeMs > maxAgeMs || isTempName(name)) await jail.rootFolder.removeTree(name).catch(() => undefined);
    }
    return staging;
  }

  /** Real path of the staging folder (for messages and tests). */
  get dir(): string {
    return this.jail.root;
  }

  /** The held staging folder and the name of complete content `hash`, for `TreeJail.placeFile`. */
  complete(hash: string): { folder: HeldFolder; name: string } {
    return { folder: this.jail.rootFolder, name: checkedHash(hash) };
  }

  private partName(hash: string): string {
    return `${checkedHash(hash)}.part`;
  }

  /** True when complete content `hash` is staged (a regular file). */
  async has(hash: string): Promise<boolean> {
    await this.receiving.get(hash);
    const st = await this.jail.rootFolder.lstat(checkedHash(hash)).catch(() => undefined);
    return st?.isFile() ?? false;
  }

  /** Bytes of `hash` received so far (0 when none): where a transfer resumes. */
  async resumeOffset(hash: string): Promise<number> {
    await this.receiving.get(hash);
    const st = await this.jail.rootFolder.lstat(this.partName(hash)).catch(() => undefined);
    return st?.isFile() && st.nlink === 1 ? st.size : 0;
  }

  /** Stage content given as bytes; false (nothing staged) when the bytes do not hash to `hash`. */
  async stageBytes(hash: string, data: Uint8Array): Promise<boolean> {
    if (hashBytes(data) !== hash) return false;
    // Straight into the staging folder (a name made of hex digits needs no walk), with four
    // system calls (create, write, close, rename): the mode is set when the content is placed.
    const name = checkedHash(hash);
    try {
      const file = await AtomicFile.create(this.jail.rootFolder, name, 0o644, undefined, { exactMode: false });
      try {
        await file.write(data);
      } catch (err) {
        await file.abort();
        throw err;
      }
      await file.commitUnflushed();
    } catch (err) {
      throw fsError(err, name);
    }
    return true;
  }

  /**
   * Stage content by copying file `rel` of `tree`, which should hold it;
   * false when it cannot be read as a regular file there or does not hash to `hash`.
   */
  async stageFromFile(hash: string, tree: TreeJail, rel: string): Promise<boolean> {
    let source: { handle: FileHandle; stat: { size: number } };
    try {
      source = await tree.openFile(rel);
    } catch {
      return false;
    }
    try {
      const file = await AtomicFile.create(this.jail.rootFolder, checkedHash(hash), 0o644);
      try {
        const digest = createHash('sha256');
        const buffer = Buffer.allocUnsafe(1024 * 1024);
        for (let position = 0; ; ) {
          const { bytesRead } = await source.handle.read(buffer, 0, buffer.byteLength, position);
          if (bytesRead === 0) break;
          const chunk = buffer.subarray(0, bytesRead);
          digest.update(chunk);
          await file.write(chunk);
          position += bytesRead;
        }
        if (digest.digest('hex') !== hash) {
          await file.abort();
          return false;
        }
      } catch {
        await file.abort();
        return false;
      }
      await file.commit({ fsync: false });
      return true;
    } catch {
      return false;
    } finally {
      await source.handle.close();
    }
  }

  /**
   * Receive content `hash` of `size` bytes from `offset` on a binary stream,
   * appending to the part file; resolves once complete and verified. Bytes
   * received before a dropped connection stay for the next attempt.
   */
  receive(hash: string, size: number, offset: number, stream: BinaryStream, onBytes?: (n: number) => void): Promise<void> {
    const previous = this.receiving.get(hash) ?? Promise.resolve();
    const job = previous.catch(() => undefined).then(() => this.receiveNow(hash, size, offset, stream, onBytes));
    const settled = job.catch(() => undefined);
    this.receiving.set(hash, settled);
    void settled.then(() => {
      if (this.receiving.get(hash) === settled) this.receiving.delete(hash);
    });
    return job;
  }

  /** Open the part file of `hash` to append at `offset`: a regular file with no other link, or a new one. */
  private async openPart(part: string, offset: number, stream: BinaryStream): Promise<FileHandle> {
    const folder = this.jail.rootFolder;
    const refuse = (err: ProtocolError): never => {
      stream.end('refused');
      throw err;
    };
    let st = await folder.lstat(part);
    if (st && (!st.isFile() || st.nlink > 1)) {
      if (st.isFile() || st.isSymbolicLink()) {
        // A hard link or a link put in place of a part: dropped, never written through.
        await folder.unlink(part);
        st = undefined;
      } else return refuse(fsError(Object.assign(new Error('special'), { code: 'ESPECIAL' }), part));
    }
    const have = st?.size ?? 0;
    if (offset > have) return refuse(new ProtocolError(ErrorCode.InvalidParams, `resume offset ${offset} is beyond the ${have} bytes staged for ${part}`));
    try {
      if (!st) return await folder.createExclusive(part, 0o644, C.O_RDWR);
      const { handle } = await folder.openForUpdate(part, st);
      return handle;
    } catch (err) {
      return refuse(fsError(err, part));
    }
  }

  private async receiveNow(hash: string, size: number, offset: number, stream: BinaryStream, onBytes?: (n: number) => void): Promise<void> {
    const part = this.partName(hash);
    const handle = await this.openPart(part, offset, stream);
    let failure: Error | undefined;
    let received = offset;
    const digest = createHash('sha256');
    try {
      await handle.truncate(offset);
      // Hash while receiving (the bytes already staged first), so the content is not read back.
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (let position = 0; position < offset; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, offset - position), position);
        if (bytesRead === 0) break;
        digest.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      let writing: Promise<unknown> = Promise.resolve();
      const reason = await new Promise<string | undefined>((resolve) => {
        stream.onData((chunk) => {
          const at = received;
          received += chunk.byteLength;
          if (received > size) failure ??= new ProtocolError(ErrorCode.InvalidParams, `content ${hash} is longer than the announced ${size} bytes`);
          if (!failure) {
            digest.update(chunk);
            writing = writing.then(() => handle.write(chunk, 0, chunk.byteLength, at)).catch((err: unknown) => {
              failure ??= fsError(err, part);
            });
          }
          onBytes?.(chunk.byteLength);
        });
        stream.onEnd(resolve);
      });
      await writing;
      await handle.close();
      if (failure) {
        await this.jail.rootFolder.unlink(part).catch(() => undefined);
        throw failure;
      }
      if (received < size) {
        throw new ProtocolError(ErrorCode.Unavailable, `transfer of ${hash} stopped after ${received} of ${size} bytes (${reason ?? 'ended'}); it resumes on the next attempt`);
      }
      if (digest.digest('hex') !== hash) {
        await this.jail.rootFolder.unlink(part).catch(() => undefined);
        throw new ProtocolError(ErrorCode.Conflict, `content received for ${hash} does not match its hash; the file changed while it was sent`);
      }
      await this.jail.rootFolder.rename(part, this.jail.rootFolder, hash).catch((err: unknown) => {
        throw fsError(err, part);
      });
    } finally {
      await handle.close().catch(() => undefined);
      if (!stream.isEnded) stream.end('refused');
    }
  }

  /** Remove staged content that is no longer needed. */
  async release(hash: string): Promise<void> {
    await this.jail.rootFolder.unlink(checkedHash(hash)).catch((err: unknown) => {
      if (errorCode(err) !== 'ENOENT') throw err;
    });
  }

  async close(): Promise<void> {
    await this.jail.close();
  }
}

/** A content hash used as a file name: lower-case hex only, so it is always a single plain name. */
function checkedHash(hash: string): string {
  if (!/^[0-9a-f]{16,128}$/.test(hash)) throw new ProtocolError(ErrorCode.InvalidParams, `\`${hash.slice(0, 80)}\` is not a content hash`);
  return hash;
}

/** Send the chunks of `source` on a binary stream; waits while the stream has more than `highWater` bytes queued. */
export async function pumpToStream(
  source: AsyncIterable<unknown>,
  stream: BinaryStream,
  options: { highWater?: number; onBytes?: (n: number) => void } = {},
): Promise<number> {
  const highWater = options.highWater ?? 1024 * 1024;
  let sent = 0;
  for await (const chunk of source) {
    if (stream.isEnded) break;
    const bytes = chunk as Buffer;
    stream.write(bytes);
    sent += bytes.byteLength;
    options.onBytes?.(bytes.byteLength);
    await stream.drained(highWater);
  }
  return sent;
}

/** Most bytes one `sync/put` or `sync/get` stream may carry. */
export const MAX_PACK_BYTES = 16 * 1024 * 1024;

/** Collect a whole binary stream (at most `maxBytes`); resolves with the bytes and the end reason. */
export function readWholeStream(stream: BinaryStream, maxBytes = MAX_PACK_BYTES): Promise<{ data: Buffer; reason: string | undefined }> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    stream.onData((chunk) => {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) {
        stream.end('too large');
        reject(new ProtocolError(ErrorCode.TooLarge, `a pack of contents is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.onEnd((reason) => resolve({ data: Buffer.concat(chunks), reason }));
  });
}

/** Split `data` into consecutive pieces of the given sizes; undefined when the sizes do not add up. */
export function splitPack(data: Buffer, sizes: readonly number[]): Buffer[] | undefined {
  const total = sizes.reduce((n, s) => n + s, 0);
  if (total !== data.byteLength) return undefined;
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return out;
}
