// Recording a version: a scanned assignment folder (paths and content
// hashes, as the agent's sync scan reports them) becomes a manifest blob in
// the hub's blob store, after every content the store lacks has been fetched
// and checked against its hash; then a version row by the hub's clock (the
// time the folder reached that state, given by the watcher), unless
// the folder's newest version already has this manifest. Retention runs after
// each new version. Nothing partial: a version is added only once every blob
// it names is stored.

import type { Logger } from '@classpod/observability';
import { sha256Hex, type BlobStore } from '../blobs/blob-store';
import type { FolderVersion, ManifestEntry } from '../store/records';
import type { FolderKey, VersionRetention, VersionRepository } from '../store/version-repository';
import { snapshotSkips, type SnapshotLimits } from '../submissions/submission-intake';
import type { Clock } from '../time/clock';

/** A regular file of a scanned folder. */
export interface ScannedFile {
  path: string;
  sha256: string;
  size: number;
  executable: boolean;
}

/** Fetches contents by path and hash; a content missing from the answer changed meanwhile. */
export type ContentFetcher = (files: ScannedFile[]) => Promise<Map<string, Buffer>>;

/** Why a scan was not recorded. */
export class VersionNotRecorded extends Error {}

/** Whether a path lies under a name a snapshot leaves out (`.classpod`, `.git`, sync's own files). */
export function skippedBySnapshot(path: string): boolean {
  return path.split('/').some(snapshotSkips);
}

export class VersionRecorder {
  constructor(
    private readonly versions: VersionRepository,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly retention: VersionRetention,
    private readonly limits: SnapshotLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Record the folder as scanned; resolves to the new version, or undefined
   * when nothing changed since the newest one. Throws VersionNotRecorded when
   * the folder is over the snapshot limits or changed while it was read.
   * `stateAt`: when the folder reached the scanned state by the hub's clock
   * (the last change the hub was told of before the scan), which is the time
   * the version stands for; default now. Never earlier than the newest version.
   * `authors`: whose edits made this state (a group workspace's members).
   */
  async record(key: FolderKey, scanned: ScannedFile[], fetch: ContentFetcher, stateAt?: Date, authors: readonly string[] = []): Promise<FolderVersion | undefined> {
    const files = scanned.filter((f) => !skippedBySnapshot(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    if (files.length > this.limits.maxFiles || totalBytes > this.limits.maxBytes) {
      throw new VersionNotRecorded(`\`${key.assignmentId}\` is over the snapshot limits (${this.limits.maxFiles} files, ${this.limits.maxBytes} bytes)`);
    }
    const manifest: ManifestEntry[] = files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, mode: f.executable ? 0o755 : 0o644 }));
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestHash = sha256Hex(manifestBytes);
    const last = await this.versions.latest(key);
    if (last?.manifestHash === manifestHash) return undefined;
    const missing: ScannedFile[] = [];
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.sha256)) continue;
      seen.add(f.sha256);
      // `hold`, not `has`: a blob reused here must not be collected before the version names it.
      if (!(await this.blobs.hold(f.sha256))) missing.push(f);
    }
    if (missing.length > 0) {
      const got = await fetch(missing);
      for (const f of missing) {
        const data = got.get(f.sha256);
        if (!data || sha256Hex(data) !== f.sha256) throw new VersionNotRecorded(`\`${f.path}\` changed while it was read`);
        await this.blobs.put(data);
      }
    }
    await this.blobs.put(manifestBytes);
    // The time the state stands for, not the time this ran: a change synced a second before a due time
    // is recorded after the quiet time, often after the due time, yet belongs before it.
    const at = stateAt ?? this.clock.now();
    const recordedAt = last && last.recordedAt > at.toISOString() ? last.recordedAt : at.toISOString();
    const version = await this.versions.addIfChanged({ ...key, recordedAt, manifestHash, fileCount: files.length, totalBytes, ...(authors.length > 0 ? { authors: [...authors] } : {}) });
    if (version) {
      const removed = await this.versions.prune(key, this.retention, this.clock.now());
      this.logger.debug('version recorded', { ...key, versionId: version.id, files: files.length, fetched: missing.length, removed });
    }
    return version;
  }
}
