// Content waiting to be placed: files named by their hash in a staging folder.
// An incoming transfer appends to `<hash>.part`, so a dropped connection or a
// killed process leaves the bytes received so far, and the next transfer
// resumes from there; once complete and verified the part becomes `<hash>`.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProtocolError, ErrorCode, type BinaryStream } from '@classpod/protocol';
import { hashBytes, hashFile } from './scanner';

/** The staging folder of one replica. */
export class ContentStaging {
  private readonly receiving = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** Create the folder; remove staged content older than `maxAgeMs` (default one day). */
  async open(maxAgeMs = 24 * 3600_000): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const now = Date.now();
    for (const name of await fs.readdir(this.dir)) {
      const st = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
      if (st && now - st.mtimeMs > maxAgeMs) await fs.rm(path.join(this.dir, name), { force: true });
    }
  }

  /** Where complete content `hash` lives. */
  completePath(hash: string): string {
    return path.join(this.dir, hash);
  }

  private partPath(hash: string): string {
    return path.join(this.dir, `${hash}.part`);
  }

  /** True when complete content `hash` is staged. */
  async has(hash: string): Promise<boolean> {
    await this.receiving.get(hash);
    return fs.access(this.completePath(hash)).then(
      () => true,
      () => false,
    );
  }

  /** Bytes of `hash` received so far (0 when none): where a transfer resumes. */
  async resumeOffset(hash: string): Promise<number> {
    await this.receiving.get(hash);
    const st = await fs.stat(this.partPath(hash)).catch(() => undefined);
    return st?.size ?? 0;
  }

  /** Stage content given as bytes; false (nothing staged) when the bytes do not hash to `hash`. */
  async stageBytes(hash: string, data: Uint8Array): Promise<boolean> {
    if (hashBytes(data) !== hash) return false;
    const tmp = `${this.partPath(hash)}.put-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, this.completePath(hash));
    return true;
  }

  /** Stage content by copying a file that should hold it; false when the copy does not hash to `hash`. */
  async stageFromFile(hash: string, source: string): Promise<boolean> {
    const tmp = `${this.partPath(hash)}.copy-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await fs.copyFile(source, tmp, fsConstants.COPYFILE_FICLONE);
      if ((await hashFile(tmp)) !== hash) return false;
      await fs.rename(tmp, this.completePath(hash));
      return true;
    } catch {
      return false;
    } finally {
      await fs.rm(tmp, { force: true });
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

  private async receiveNow(hash: string, size: number, offset: number, stream: BinaryStream, onBytes?: (n: number) => void): Promise<void> {
    const part = this.partPath(hash);
    const have = (await fs.stat(part).catch(() => undefined))?.size ?? 0;
    if (offset > have) {
      stream.end('refused');
      throw new ProtocolError(ErrorCode.InvalidParams, `resume offset ${offset} is beyond the ${have} bytes staged for ${hash}`);
    }
    if (offset < have) await fs.truncate(part, offset);
    // Hash while receiving (the bytes already staged first), so the content is not read back.
    const digest = createHash('sha256');
    if (offset > 0) for await (const chunk of createReadStream(part, { start: 0, end: offset - 1 })) digest.update(chunk as Buffer);
    const out = createWriteStream(part, { flags: offset === 0 ? 'w' : 'r+', start: offset });
    let received = offset;
    let failure: Error | undefined;
    const ended = new Promise<string | undefined>((resolve) => {
      stream.onData((chunk) => {
        received += chunk.byteLength;
        if (received > size) failure ??= new ProtocolError(ErrorCode.InvalidParams, `content ${hash} is longer than the announced ${size} bytes`);
        if (!failure) {
          digest.update(chunk);
          out.write(chunk);
        }
        onBytes?.(chunk.byteLength);
      });
      stream.onEnd(resolve);
    });
    const reason = await ended;
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (failure) {
      await fs.rm(part, { force: true });
      throw failure;
    }
    if (received < size) {
      throw new ProtocolError(ErrorCode.Unavailable, `transfer of ${hash} stopped after ${received} of ${size} bytes (${reason ?? 'ended'}); it resumes on the next attempt`);
    }
    if (digest.digest('hex') !== hash) {
      await fs.rm(part, { force: true });
      throw new ProtocolError(ErrorCode.Conflict, `content received for ${hash} does not match its hash; the file changed while it was sent`);
    }
    await fs.rename(part, this.completePath(hash));
  }

  /** Remove staged content that is no longer needed. */
  async release(hash: string): Promise<void> {
    await fs.rm(this.completePath(hash), { force: true });
  }
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
    while (stream.pendingBytes > highWater && !stream.isEnded) await new Promise((r) => setTimeout(r, 1));
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
