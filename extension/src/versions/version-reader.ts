// Reads recorded versions from the hub for both sides of the extension: a
// folder's versions (newest first), each version's file list, and a file's
// content. A version never changes, so its file list and contents are kept
// once read (contents up to a byte limit, least recently used first out);
// lists of versions are always asked again, since new ones keep coming.

import {
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  type SnapshotFile,
  type VersionSummary,
} from '@classpod/protocol';
import type { HubRequester } from '../professor/hub-requester';
import { SubmissionFileCache } from '../professor/submission-file-cache';
import type { VersionWithFiles } from './version-changes';

/** Whose versions of which assignment; without `studentId`, the caller's own. */
export interface VersionFolder {
  courseId: string;
  assignmentId: string;
  studentId?: string;
}

/** File lists read at once when a history is assembled. */
const PARALLEL_READS = 6;

export class VersionReader {
  private readonly manifests = new Map<string, Promise<SnapshotFile[]>>();
  private readonly contents: SubmissionFileCache;

  constructor(private readonly request: HubRequester) {
    this.contents = new SubmissionFileCache(async (versionId, path) => {
      const r = await this.request(ReadVersionFileRequest.type, { versionId, path });
      return Buffer.from(r.contentBase64, 'base64');
    });
  }

  /** The folder's versions, newest first (at most `limit`). */
  async list(folder: VersionFolder, limit = 100): Promise<VersionSummary[]> {
    const { versions } = await this.request(ListVersionsRequest.type, { ...folder, limit });
    return versions;
  }

  /** The files of one version. */
  files(versionId: string): Promise<SnapshotFile[]> {
    let p = this.manifests.get(versionId);
    if (!p) {
      p = this.request(ListVersionFilesRequest.type, { versionId }).then((r) => r.files);
      p.catch(() => this.manifests.delete(versionId));
      this.manifests.set(versionId, p);
    }
    return p;
  }

  /** Each version with its files, in the order given. */
  async withFiles(versions: readonly VersionSummary[]): Promise<VersionWithFiles[]> {
    const out: VersionWithFiles[] = new Array(versions.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < versions.length) {
        const i = next++;
        out[i] = { version: versions[i]!, files: await this.files(versions[i]!.id) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, versions.length) }, worker));
    return out;
  }

  /** One file's content in a version. */
  read(versionId: string, path: string): Promise<Uint8Array> {
    return this.contents.get(versionId, path);
  }
}
