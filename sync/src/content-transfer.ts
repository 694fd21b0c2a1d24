// Moving content between the two sides of a cycle: what one side lacks and
// cannot copy from itself. Small files travel back to back, about 1 MiB per
// binary stream; large ones on a stream each, resuming from the bytes already
// staged. Transfers run a few at a time; a failed one leaves its changes for
// the next cycle, unless the connection is gone.

import type { FsReplica } from './fs-replica';
import type { RemoteReplica } from './remote-replica';

/** Raw bytes of small content per stream. */
const INLINE_BATCH_BYTES = 1024 * 1024;

export interface TransferContentOptions {
  local: FsReplica;
  remote: RemoteReplica;
  /** Content the workspace lacks, with the offset its staged part resumes from. */
  uploads: ReadonlyArray<{ hash: string; offset: number }>;
  /** Content the local side lacks, likewise. */
  downloads: ReadonlyArray<{ hash: string; offset: number }>;
  /** Hash → size in bytes. */
  sizeOf: ReadonlyMap<string, number>;
  /** Hash → a workspace path holding it. */
  remoteSources: ReadonlyMap<string, string>;
  /** Files up to this size travel many to a stream. */
  inlineMaxBytes: number;
  concurrency: number;
  onBytes(direction: 'up' | 'down', n: number): void;
  /** Called with each failed transfer; throw to stop the rest. */
  /** A transfer failed: the error, the contents it was carrying and the direction. */
  onFailure(err: unknown, hashes: readonly string[], direction: 'up' | 'down'): void;
}

/** Move the content each side lacks. */
export async function transferContent(o: TransferContentOptions): Promise<void> {
  const { local, remote } = o;
  const jobs: Array<{ hashes: string[]; direction: 'up' | 'down'; run: () => Promise<void> }> = [];
  const smallUploads: Array<{ hash: string; source: string; size: number }> = [];
  const smallDownloads: Array<{ hash: string; path: string; size: number }> = [];
  for (const m of o.uploads) {
    const source = local.pathsWithHash(m.hash)[0];
    if (source === undefined) continue;
    const size = o.sizeOf.get(m.hash) ?? 0;
    if (m.offset === 0 && size <= o.inlineMaxBytes) {
      smallUploads.push({ hash: m.hash, source, size });
      continue;
    }
    jobs.push({ hashes: [m.hash], direction: 'up', run: async () => {
      const { stream } = await local.openContent(source, m.hash, m.offset);
      try {
        await remote.upload(m.hash, size, m.offset, stream, (n) => o.onBytes('up', n));
      } finally {
        stream.destroy();
      }
    } });
  }
  for (const m of o.downloads) {
    const source = o.remoteSources.get(m.hash);
    if (source === undefined) continue;
    const size = o.sizeOf.get(m.hash) ?? 0;
    if (m.offset === 0 && size <= o.inlineMaxBytes) {
      smallDownloads.push({ hash: m.hash, path: source, size });
      continue;
    }
    jobs.push({ hashes: [m.hash], direction: 'down', run: () => remote.download(source, m.hash, m.offset, local.staging, (n) => o.onBytes('down', n)) });
  }
  for (const batch of inBatches(smallUploads, INLINE_BATCH_BYTES)) {
    jobs.unshift({ hashes: batch.map((u) => u.hash), direction: 'up', run: async () => {
      const read = await Promise.all(batch.map((u) => local.readSmall(u.source, u.hash)));
      const contents = batch.flatMap((u, i) => (read[i] ? [{ hash: u.hash, data: read[i]! }] : []));
      await remote.put(contents);
      o.onBytes('up', contents.reduce((n, c) => n + c.data.byteLength, 0));
    } });
  }
  for (const batch of inBatches(smallDownloads, INLINE_BATCH_BYTES)) {
    jobs.unshift({ hashes: batch.map((d) => d.hash), direction: 'down', run: async () => {
      const got = await remote.get(batch.map((d) => ({ path: d.path, hash: d.hash })));
      const staged = await Promise.all(got.map((g) => (g.data ? local.staging.stageBytes(g.hash, g.data) : false)));
      o.onBytes('down', got.reduce((n, g, i) => n + (staged[i] ? g.data!.byteLength : 0), 0));
    } });
  }
  await runLimited(jobs, o.concurrency, o.onFailure);
}

/** Split items into batches of at most `maxBytes` (a single larger item gets a batch of its own). */
function inBatches<T extends { size: number }>(items: readonly T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (bytes + item.size > maxBytes || current.length >= 5000)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Run jobs with at most `limit` at once; `onError` decides whether a failure stops the rest (by throwing). */
async function runLimited(
  jobs: ReadonlyArray<{ hashes: string[]; direction: 'up' | 'down'; run: () => Promise<void> }>,
  limit: number,
  onError: (err: unknown, hashes: readonly string[], direction: 'up' | 'down') => void,
): Promise<void> {
  let next = 0;
  let stop: unknown;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && stop === undefined) {
      const job = jobs[next++]!;
      try {
        await job.run();
      } catch (err) {
        try {
          onError(err, job.hashes, job.direction);
        } catch (fatal) {
          stop ??= fatal;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (stop !== undefined) throw stop;
}
