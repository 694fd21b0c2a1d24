// The workspace-side replica as the local session sees it: the `sync/*`
// methods over a connected RpcEndpoint, with content moving on binary streams.

import {
  ErrorCode,
  ProtocolError,
  SyncApplyRequest,
  SyncDownloadRequest,
  SyncGetRequest,
  SyncPutRequest,
  SyncOpenRequest,
  SyncScanRequest,
  SyncStageRequest,
  SyncUploadRequest,
  type RpcEndpoint,
  type SyncChange,
  type SyncChangeResult,
  type SyncContentNeed,
  type SyncProblem,
} from '@classpod/protocol';
import { pumpToStream, readWholeStream, splitPack, type ContentStaging } from './content-staging';
import { manifestFromEntries, pathDepth, type Manifest } from './manifest';

/** Changes per `sync/apply` request. */
const APPLY_BATCH = 2000;

/** How long a transfer of `size` bytes may take before it is given up (ms): a minute plus 100 KB/s. */
function transferTimeoutMs(size: number): number {
  return 60_000 + Math.ceil(size / 100);
}

/** A workspace-side replica behind a connection. */
export class RemoteReplica {
  private constructor(
    readonly endpoint: RpcEndpoint,
    readonly replicaId: string,
    /** Whether the workspace's file system tells names apart by case. */
    readonly caseSensitive: boolean,
  ) {}

  /** Open the replica of folder `root` (relative to the workspace root). */
  static async open(endpoint: RpcEndpoint, root: string): Promise<RemoteReplica> {
    const r = await endpoint.request(SyncOpenRequest.type, { root });
    return new RemoteReplica(endpoint, r.replicaId, r.caseSensitive);
  }

  /** Scan the whole replica, or only `paths` (with subtrees and parent folders). */
  async scan(ignore: readonly string[], paths?: readonly string[]): Promise<{ manifest: Manifest; problems: SyncProblem[] }> {
    const r = await this.endpoint.request(
      SyncScanRequest.type,
      { replicaId: this.replicaId, ignore: [...ignore], ...(paths ? { paths: [...paths] } : {}) },
      { timeoutMs: 300_000 },
    );
    return { manifest: manifestFromEntries(r.entries), problems: r.problems };
  }

  async stage(needs: readonly SyncContentNeed[]): Promise<Array<{ hash: string; offset: number }>> {
    if (needs.length === 0) return [];
    const r = await this.endpoint.request(SyncStageRequest.type, { replicaId: this.replicaId, needs: [...needs] }, { timeoutMs: 300_000 });
    return r.missing;
  }

  /** Send content `hash` from `offset`, read from `source` (which must start at `offset`). */
  async upload(hash: string, size: number, offset: number, source: AsyncIterable<unknown>, onBytes?: (n: number) => void): Promise<void> {
    const streamId = this.endpoint.allocateStreamId();
    const stream = this.endpoint.openStream(streamId);
    const answer = this.endpoint.request(
      SyncUploadRequest.type,
      { replicaId: this.replicaId, hash, size, offset, streamId },
      { timeoutMs: transferTimeoutMs(size - offset) },
    );
    const pumped = pumpToStream(source, stream, onBytes ? { onBytes } : {}).then(
      () => stream.end('ok'),
      (err: unknown) => {
        stream.end('failed');
        throw err;
      },
    );
    try {
      await answer;
    } finally {
      if (!stream.isEnded) stream.end('abandoned');
      await pumped.catch(() => undefined);
    }
  }

  /** Stage small contents sent back to back on one stream; answers the hashes the replica staged. */
  async put(contents: ReadonlyArray<{ hash: string; data: Buffer }>): Promise<Set<string>> {
    const streamId = this.endpoint.allocateStreamId();
    const stream = this.endpoint.openStream(streamId);
    const answer = this.endpoint.request(
      SyncPutRequest.type,
      { replicaId: this.replicaId, streamId, contents: contents.map((c) => ({ hash: c.hash, size: c.data.byteLength })) },
      { timeoutMs: 120_000 },
    );
    for (const c of contents) if (c.data.byteLength > 0) stream.write(c.data);
    stream.end('ok');
    return new Set((await answer).staged);
  }

  /** Read small files back to back on one stream; a file that changed comes back without data. */
  async get(files: ReadonlyArray<{ path: string; hash: string }>): Promise<Array<{ hash: string; data?: Buffer }>> {
    const r = await this.endpoint.request(SyncGetRequest.type, { replicaId: this.replicaId, files: [...files] }, { timeoutMs: 120_000 });
    const { data, reason } = await readWholeStream(this.endpoint.openStream(r.streamId));
    const sizes = r.contents.map((c) => c.size ?? 0);
    const pieces = splitPack(data, sizes);
    if (!pieces) throw new ProtocolError(ErrorCode.Unavailable, `the pack ended after ${data.byteLength} bytes (${reason ?? 'ended'})`);
    return r.contents.map((c, i) => (c.size === undefined ? { hash: c.hash } : { hash: c.hash, data: pieces[i]! }));
  }

  /** Receive file `path` (content `hash`) from `offset` into `staging`. */
  async download(path: string, hash: string, offset: number, staging: ContentStaging, onBytes?: (n: number) => void): Promise<void> {
    const r = await this.endpoint.request(SyncDownloadRequest.type, { replicaId: this.replicaId, path, hash, offset });
    const stream = this.endpoint.openStream(r.streamId);
    await staging.receive(hash, r.size, offset, stream, onBytes);
  }

  /** Apply changes in batches that keep removals (deepest first) before writes (shallowest first). */
  async apply(changes: readonly SyncChange[]): Promise<SyncChangeResult[]> {
    if (changes.length === 0) return [];
    const batches: SyncChange[][] = [];
    if (changes.length <= APPLY_BATCH) batches.push([...changes]);
    else {
      const removals = changes.filter((c) => !c.new).sort((a, b) => pathDepth(b.path) - pathDepth(a.path));
      const writes = changes.filter((c) => c.new).sort((a, b) => pathDepth(a.path) - pathDepth(b.path));
      const ordered = [...removals, ...writes];
      for (let i = 0; i < ordered.length; i += APPLY_BATCH) batches.push(ordered.slice(i, i + APPLY_BATCH));
    }
    const results: SyncChangeResult[] = [];
    for (const batch of batches) {
      const r = await this.endpoint.request(SyncApplyRequest.type, { replicaId: this.replicaId, changes: batch }, { timeoutMs: 300_000 });
      results.push(...r.results);
    }
    return results;
  }
}
