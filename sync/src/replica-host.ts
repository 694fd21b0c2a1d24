// The workspace side of sync: serves replicas of folders under the workspace
// root over the protocol (`sync/*` methods). Replicas are shared by every
// connection that opens the same folder, so their scan caches outlive
// reconnects; a watcher per replica tells subscribed connections when
// something changed. The agent registers this on each connection.

import {
  ErrorCode,
  ProtocolError,
  SyncApplyRequest,
  SyncChangedNotification,
  SyncDownloadRequest,
  SyncGetRequest,
  SyncPutRequest,
  SyncOpenRequest,
  SyncScanRequest,
  SyncStageRequest,
  SyncUploadRequest,
  type BinaryStream,
  type RpcEndpoint,
} from '@classpod/protocol';
import {
  silentLogger,
  type Counter,
  type Logger,
  type MetricsRegistry,
} from '@classpod/observability';
import { MAX_PACK_BYTES, pumpToStream, readWholeStream, splitPack } from './content-staging';
import { probeCaseSensitive } from './case-probe';
import { FsReplica } from './fs-replica';
import { fsError } from './jail-errors';
import { TreeJail } from './tree-jail';
import { IgnoreRules, STATE_DIR_NAME } from './ignore-rules';
import { manifestToEntries, unsafePathReason } from './manifest';
import { TreeWatcher } from './tree-watcher';

export interface SyncReplicaHostOptions {
  /** The workspace root; every replica lies inside it. */
  workspaceRoot: string;
  /**
   * The workspace's jail, shared with the caller (the agent's files service
   * uses the same one); the host opens its own around `workspaceRoot` when absent.
   */
  workspace?: TreeJail;
  logger?: Logger;
  /** Watch open replicas and notify connections of changes. Default true. */
  watch?: boolean;
  /** Watcher quiet time (ms). Default 15. */
  debounceMs?: number;
  /** Where the sync counters go (`classpod_sync_*`); none when absent. */
  metrics?: MetricsRegistry;
}

interface HostedReplica {
  replica: FsReplica;
  rules: IgnoreRules | undefined;
  caseSensitive: boolean;
  watcher: TreeWatcher | undefined;
  subscribers: Set<RpcEndpoint>;
}

/** Serves workspace-side replicas. Owns their watchers; dispose with `close()`. */
export class SyncReplicaHost {
  private readonly replicas = new Map<string, Promise<HostedReplica>>();
  private readonly log: Logger;
  private closed = false;
  /** The workspace jail, when the host opened it itself (and so closes it). */
  private ownJail: Promise<TreeJail> | undefined;
  private readonly counters: {
    received: Counter | undefined;
    sent: Counter | undefined;
    applied: Counter | undefined;
  };

  constructor(private readonly options: SyncReplicaHostOptions) {
    this.log = (options.logger ?? silentLogger).child({ component: 'sync' });
    const m = options.metrics;
    this.counters = {
      received: m?.counter('sync_content_bytes_received_total', 'Content bytes received from sync sessions and staged.'),
      sent: m?.counter('sync_content_bytes_sent_total', 'Content bytes sent to sync sessions.'),
      applied: m?.counter('sync_changes_total', 'Changes sync sessions asked to apply, by outcome (ok, conflict, missing-content, failed).', ['status']),
    };
  }

  /** Register the `sync/*` handlers on a connection. Returns a function that removes them. */
  serve(endpoint: RpcEndpoint): () => void {
    const removers = [
      endpoint.handle(SyncOpenRequest.type, async (p) => {
        const replicaId = normaliseRoot(p.root);
        const hosted = await this.hosted(replicaId);
        hosted.subscribers.add(endpoint);
        return { replicaId, caseSensitive: hosted.caseSensitive };
      }),
      endpoint.handle(SyncScanRequest.type, async (p) => {
        const hosted = await this.opened(p.replicaId);
        hosted.rules = new IgnoreRules(p.ignore);
        const result = p.paths ? await hosted.replica.scanPaths(checkedPaths(p.paths), hosted.rules) : await hosted.replica.scan(hosted.rules);
        hosted.replica.saveCacheSoon();
        return { entries: manifestToEntries(result.manifest), problems: result.problems };
      }),
      endpoint.handle(SyncStageRequest.type, async (p) => {
        const hosted = await this.opened(p.replicaId);
        return { missing: await hosted.replica.stage(p.needs) };
      }),
      endpoint.handle(SyncUploadRequest.type, async (p, ctx) => {
        const hosted = await this.opened(p.replicaId);
        if (p.streamId % 2 !== 1) throw new ProtocolError(ErrorCode.InvalidParams, `stream ${p.streamId} is not a client stream id`);
        const stream = ctx.endpoint.openStream(p.streamId);
        await hosted.replica.staging.receive(p.hash, p.size, p.offset, stream, (n) => this.counters.received?.inc(n));
        return { staged: true };
      }),
      endpoint.handle(SyncPutRequest.type, async (p, ctx) => {
        const hosted = await this.opened(p.replicaId);
        if (p.streamId % 2 !== 1) throw new ProtocolError(ErrorCode.InvalidParams, `stream ${p.streamId} is not a client stream id`);
        ctx.reserve(p.contents.reduce((n, c) => n + c.size, 0), `the pack of ${p.contents.length} contents announced`);
        const { data, reason } = await readWholeStream(ctx.endpoint.openStream(p.streamId));
        const pieces = splitPack(data, p.contents.map((c) => c.size));
        if (!pieces) {
          throw new ProtocolError(ErrorCode.Unavailable, `the pack ended after ${data.byteLength} bytes (${reason ?? 'ended'}), not the sizes announced`);
        }
        this.counters.received?.inc(data.byteLength);
        const ok = await Promise.allSettled(p.contents.map((c, i) => hosted.replica.staging.stageBytes(c.hash, pieces[i]!)));
        // What fits is staged; a full disk (or any other failure) is the answer, so the session can name the files.
        const failed = ok.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        return { staged: p.contents.filter((_, i) => ok[i]!.status === 'fulfilled' && (ok[i] as PromiseFulfilledResult<boolean>).value).map((c) => c.hash) };
      }),
      endpoint.handle(SyncGetRequest.type, async (p, ctx) => {
        const hosted = await this.opened(p.replicaId);
        // The pack is budgeted from the files' sizes before a byte of it is read.
        const sizes = await Promise.all(p.files.map((f) => hosted.replica.fileSize(f.path)));
        ctx.reserve(sizes.reduce<number>((n, s) => n + (s ?? 0), 0), `the ${p.files.length} files asked for`);
        const read = await Promise.all(p.files.map((f, i) => (sizes[i] === undefined ? undefined : hosted.replica.readSmall(f.path, f.hash, sizes[i]))));
        const total = read.reduce((n, d) => n + (d?.byteLength ?? 0), 0);
        this.counters.sent?.inc(total);
        if (total > MAX_PACK_BYTES) throw new ProtocolError(ErrorCode.TooLarge, `the files asked for hold ${total} bytes, over the limit of ${MAX_PACK_BYTES}`);
        const id = ctx.endpoint.allocateStreamId();
        const out = ctx.endpoint.openStream(id);
        setImmediate(() => {
          for (const d of read) if (d && d.byteLength > 0) out.write(d);
          out.end('ok');
        });
        return { streamId: id, contents: p.files.map((f, i) => (read[i] ? { hash: f.hash, size: read[i]!.byteLength } : { hash: f.hash })) };
      }),
      endpoint.handle(SyncDownloadRequest.type, async (p, ctx) => {
        const hosted = await this.opened(p.replicaId);
        checkRelPath(p.path);
        const { size, stream: source } = await hosted.replica.openContent(p.path, p.hash, p.offset);
        const id = ctx.endpoint.allocateStreamId();
        let out: BinaryStream;
        try {
          out = ctx.endpoint.openStream(id);
        } catch (err) {
          source.destroy(); // refused (too many open streams): close the file
          throw err;
        }
        setImmediate(() => {
          pumpToStream(source, out, { onBytes: (n) => this.counters.sent?.inc(n) }).then(
            () => out.end('ok'),
            (err: unknown) => {
              this.log.warn('sending content failed', { path: p.path, err });
              out.end('failed');
            },
          );
        });
        return { streamId: id, size };
      }),
      endpoint.handle(SyncApplyRequest.type, async (p) => {
        const hosted = await this.opened(p.replicaId);
        const results = await hosted.replica.apply(p.changes);
        for (const r of results) this.counters.applied?.inc(1, { status: r.status });
        return { results };
      }),
    ];
    endpoint.onClose(() => {
      for (const entry of this.replicas.values()) void entry.then((h) => h.subscribers.delete(endpoint), () => undefined);
    });
    return () => removers.forEach((r) => r());
  }

  private async opened(replicaId: string): Promise<HostedReplica> {
    const hosted = this.replicas.get(replicaId);
    if (!hosted) throw new ProtocolError(ErrorCode.NotFound, `replica ${replicaId} is not open; call ${SyncOpenRequest.method} first`);
    return hosted;
  }

  private hosted(replicaId: string): Promise<HostedReplica> {
    if (this.closed) return Promise.reject(new ProtocolError(ErrorCode.Unavailable, 'the sync service is shutting down'));
    let entry = this.replicas.get(replicaId);
    if (!entry) {
      entry = this.openReplica(replicaId);
      this.replicas.set(replicaId, entry);
      entry.catch(() => this.replicas.delete(replicaId));
    }
    return entry;
  }

  private workspace(): Promise<TreeJail> {
    if (this.options.workspace) return Promise.resolve(this.options.workspace);
    this.ownJail ??= TreeJail.open(this.options.workspaceRoot);
    return this.ownJail;
  }

  private async openReplica(replicaId: string): Promise<HostedReplica> {
    const workspace = await this.workspace();
    // Made through the workspace's jail: nothing is created beyond a link that leads out.
    const tree = await workspace.subJail(replicaId === '.' ? '' : replicaId, { create: true, links: 'none', label: 'the synced folder' });
    const real = tree.root;
    const replica = await FsReplica.openJailed(tree);
    let caseSensitive: boolean;
    try {
      caseSensitive = await probeCaseSensitive(replica.state.rootFolder);
    } catch (err) {
      await replica.close().catch(() => undefined);
      throw fsError(err, STATE_DIR_NAME);
    }
    const hosted: HostedReplica = {
      replica,
      rules: undefined,
      caseSensitive,
      watcher: undefined,
      subscribers: new Set(),
    };
    if (this.options.watch ?? true) {
      hosted.watcher = new TreeWatcher(
        real,
        (paths) => {
          const known = paths.length <= 1000 && !paths.includes('');
          for (const e of hosted.subscribers) e.notify(SyncChangedNotification.type, known ? { replicaId, paths } : { replicaId });
        },
        {
          ...(this.options.debounceMs !== undefined ? { debounceMs: this.options.debounceMs } : {}),
          ignores: (rel, isDir) => hosted.rules?.ignores(rel, isDir) ?? false,
          jail: replica.tree,
          logger: this.log,
        },
      );
      await hosted.watcher.start();
    }
    this.log.info('sync replica opened', { replicaId, root: real });
    return hosted;
  }

  /** Stop every watcher and persist scan caches. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.replicas.values()];
    this.replicas.clear();
    for (const entry of all) {
      const hosted = await entry.catch(() => undefined);
      if (!hosted) continue;
      hosted.watcher?.close();
      await hosted.replica.close().catch((err: unknown) => this.log.warn('cannot save the scan cache', { err }));
    }
    const own = await this.ownJail?.catch(() => undefined);
    await own?.close();
  }
}

/** `''` or `.` → `.`; otherwise a checked relative POSIX path without a trailing slash. */
function normaliseRoot(root: string): string {
  const trimmed = root.replace(/\/+$/, '');
  if (trimmed === '' || trimmed === '.') return '.';
  checkRelPath(trimmed);
  return trimmed;
}

function checkedPaths(paths: readonly string[]): string[] {
  for (const p of paths) checkRelPath(p);
  return [...paths];
}

function checkRelPath(p: string): void {
  const why = unsafePathReason(p);
  if (why) throw new ProtocolError(ErrorCode.InvalidParams, `refused ${JSON.stringify(p)}: ${why}`);
}
