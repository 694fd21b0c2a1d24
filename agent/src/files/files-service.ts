// The files service: stat, list, read, write, delete, rename, mkdir and watch,
// every path and every file opened through the workspace's tree jail
// (`TreeJail` of @classpod/sync, shared with the sync service).

import type { Stats } from 'node:fs';
import {
  errors,
  FILES_INLINE_MAX_BYTES,
  FileChangedNotification,
  FileDeleteRequest,
  FileListRequest,
  FileMkdirRequest,
  FileReadRequest,
  FileReadStreamRequest,
  FileRenameRequest,
  FileStatRequest,
  FileUnwatchRequest,
  FileWatchRequest,
  FileWriteRequest,
  FileWriteStreamRequest,
  ProtocolError,
  type BinaryStream,
  type DirectoryEntry,
  type FileStat,
  type FileType,
  type RpcEndpoint,
} from '@classpod/protocol';
import { randomUUID } from 'node:crypto';
import type { AgentContext, AgentService } from '../service';
import { fsError, isTempName, type AtomicFile } from '@classpod/sync';
import { TreeWatcher } from './watcher';

/** Watches one connection may hold. */
const MAX_WATCHES_PER_CONNECTION = 64;

function fileType(st: Stats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function toStat(rel: string, st: Stats): FileStat {
  return { path: rel, type: fileType(st), size: st.isDirectory() ? 0 : st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
}

/** Check write options against the existing file; returns the mode the new file gets. */
function writeMode(existing: Stats | undefined, rel: string, options: { expectedMtimeMs?: number; mode?: number }): number {
  if (existing?.isDirectory()) throw errors.conflict(`\`${rel}\` is a directory`, { path: rel });
  if (options.expectedMtimeMs !== undefined && existing?.mtimeMs !== options.expectedMtimeMs) {
    throw errors.conflict(`\`${rel}\` changed since it was read (modified at ${existing?.mtimeMs ?? 'never'})`, { path: rel });
  }
  return existing ? existing.mode & 0o7777 : (options.mode ?? 0o644);
}

/** Receive exactly `size` bytes on a client stream into an atomic file. */
function receiveInto(stream: BinaryStream, file: AtomicFile, size: number, rel: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    let failure: ProtocolError | undefined;
    let chain = Promise.resolve();
    stream.onData((chunk) => {
      if (failure) return;
      received += chunk.byteLength;
      if (received > size) {
        failure = errors.tooLarge(`stream for \`${rel}\` carried more than the announced ${size} bytes`, { path: rel });
        stream.end('too large');
        return;
      }
      chain = chain.then(() => file.write(chunk));
    });
    stream.onEnd((reason) => {
      chain
        .then(() => {
          if (failure) throw failure;
          if (received !== size) {
            throw errors.conflict(`stream for \`${rel}\` ended after ${received} of ${size} bytes (${reason ?? 'no reason'}); file left unchanged`, {
              path: rel,
            });
          }
        })
        .then(resolve, reject);
    });
  });
}

/** Build the files service. */
export function createFilesService(ctx: AgentContext): AgentService {
  const { jail } = ctx;
  const log = ctx.logger.child({ service: 'files' });

  return {
    name: 'files',
    capabilities: ['files'],
    connect(endpoint: RpcEndpoint) {
      const watches = new Map<string, TreeWatcher>();

      ctx.handle(endpoint, FileStatRequest.type, async ({ path }) => {
        const p = await jail.existing(path);
        return toStat(p.rel, p.stat);
      });

      ctx.handle(endpoint, FileListRequest.type, async ({ path }) => {
        const listed = await jail.list(path);
        const entries: DirectoryEntry[] = listed.entries
          .filter(({ name }) => !isTempName(name))
          .map(({ name, stat: st }) => ({ name, type: fileType(st), size: st.isDirectory() ? 0 : st.size, mtimeMs: st.mtimeMs }));
        return { entries };
      });

      ctx.handle(endpoint, FileReadRequest.type, async ({ path }, request) => {
        const p = await jail.openFile(path);
        try {
          if (p.stat.size > FILES_INLINE_MAX_BYTES) {
            throw errors.tooLarge(
              `file \`${p.rel}\` is ${p.stat.size} bytes, over the ${FILES_INLINE_MAX_BYTES}-byte inline limit; use ${FileReadStreamRequest.method}`,
              { path: p.rel, reason: 'inline-limit' },
            );
          }
          request.reserve(p.stat.size, `file \`${p.rel}\``);
          const data = await p.handle.readFile().catch((err: unknown) => {
            throw fsError(err, p.rel);
          });
          return { contentBase64: data.toString('base64'), stat: toStat(p.rel, p.stat) };
        } finally {
          await p.handle.close();
        }
      });

      ctx.handle(endpoint, FileReadStreamRequest.type, async ({ path }, { endpoint: ep }) => {
        const p = await jail.openFile(path);
        let stream: BinaryStream;
        try {
          stream = ep.openStream(ep.allocateStreamId());
        } catch (err) {
          // Refused (too many open streams): the file is not the stream's to close.
          await p.handle.close();
          throw err;
        }
        // The stream owns the open file and closes it when done.
        const source = p.handle.createReadStream({ highWaterMark: 64 * 1024, end: Math.max(0, p.stat.size - 1), start: 0 });
        void (async () => {
          try {
            if (p.stat.size > 0) {
              for await (const chunk of source) {
                if (stream.isEnded) break;
                stream.write(chunk as Buffer);
                await stream.drained();
              }
            }
            stream.end('eof');
          } catch (err) {
            log.warn('read stream failed', { path: p.rel, err });
            stream.end('read failed');
          } finally {
            source.destroy();
          }
        })();
        return { streamId: stream.id, stat: toStat(p.rel, p.stat) };
      });

      ctx.handle(endpoint, FileWriteRequest.type, async (params) => {
        const data = Buffer.from(params.contentBase64, 'base64');
        if (data.byteLength > FILES_INLINE_MAX_BYTES) {
          throw errors.tooLarge(`content of ${data.byteLength} bytes is over the inline limit; use ${FileWriteStreamRequest.method}`);
        }
        const stat = await jail.writeFile(params.path, data, {
          createParents: params.createParents === true,
          mode: (existing) => writeMode(existing, jail.segments(params.path).join('/'), params),
        });
        return toStat(jail.segments(params.path).join('/'), stat);
      });

      ctx.handle(endpoint, FileWriteStreamRequest.type, async (params, { endpoint: ep }) => {
        if (params.streamId % 2 !== 1) throw errors.invalidParams(`stream ${params.streamId} is not a client stream (client streams have odd ids)`);
        const stream = ep.openStream(params.streamId);
        try {
          jail.checkSize(params.size, params.path);
          const { rel, file } = await jail.createFile(params.path, {
            createParents: params.createParents === true,
            mode: (existing) => writeMode(existing, jail.segments(params.path).join('/'), params),
          });
          try {
            await receiveInto(stream, file, params.size, rel);
          } catch (err) {
            await file.abort();
            throw fsError(err, rel);
          }
          const stat = await file.commit().catch((err: unknown) => {
            throw fsError(err, rel);
          });
          return toStat(rel, stat);
        } catch (err) {
          if (!stream.isEnded) stream.end('refused');
          throw err;
        }
      });

      ctx.handle(endpoint, FileDeleteRequest.type, async ({ path, recursive }) => {
        await jail.remove(path, { recursive: recursive === true }).catch((err: unknown) => {
          if (ProtocolError.is(err, 'Conflict') && (err.data as { errno?: string } | undefined)?.errno === 'ENOTEMPTY') {
            throw errors.conflict(`directory \`${jail.segments(path).join('/')}\` is not empty; pass recursive`, err.data);
          }
          throw err;
        });
        return {};
      });

      ctx.handle(endpoint, FileRenameRequest.type, async ({ from, to, overwrite }) => {
        await jail.rename(from, to, { overwrite: overwrite === true }).catch((err: unknown) => {
          if (ProtocolError.is(err, 'Conflict') && (err.data as { errno?: string } | undefined)?.errno === 'EEXIST') {
            throw errors.conflict(`${err.message}; pass overwrite to replace it`, err.data);
          }
          throw err;
        });
        return {};
      });

      ctx.handle(endpoint, FileMkdirRequest.type, async ({ path, recursive }) => {
        const made = await jail.mkdir(path, { recursive: recursive === true });
        return toStat(made.rel, made.stat);
      });

      ctx.handle(endpoint, FileWatchRequest.type, async ({ path, debounceMs }, { endpoint: ep }) => {
        if (watches.size >= MAX_WATCHES_PER_CONNECTION) throw errors.rateLimited(`a connection may hold ${MAX_WATCHES_PER_CONNECTION} watches`);
        const dir = await jail.directory(path);
        const watchId = randomUUID();
        const watcher = await TreeWatcher.start({
          dir: dir.abs,
          relative: (abs) => jail.relative(abs),
          debounceMs: debounceMs ?? 100,
          logger: log,
          onChanges: (changes) => ep.notify(FileChangedNotification.type, { watchId, changes }),
        });
        if (ep.isClosed) watcher.close();
        else watches.set(watchId, watcher);
        return { watchId };
      });

      ctx.handle(endpoint, FileUnwatchRequest.type, ({ watchId }) => {
        const w = watches.get(watchId);
        if (!w) throw errors.notFound(`no watch \`${watchId}\` on this connection`);
        w.close();
        watches.delete(watchId);
        return {};
      });

      return () => {
        for (const w of watches.values()) w.close();
        watches.clear();
      };
    },
    close() {
      // Watches belong to connections and close with them.
    },
  };
}
