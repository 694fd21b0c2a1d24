// A student's live workspace files, read-only, for staff who follow a raised
// hand: addresses on the `classpod-live:` scheme name the course, the student
// and the path (`classpod-live:/<course>/<student>/<path>`); reads go through
// the hub's gateway to the workspace's agent, on one connection per
// workspace, and only `files/stat|list|read` are ever sent on it.

import { FileListRequest, FileReadRequest, FileStatRequest, type DirectoryEntry, type FileStat, type RpcEndpoint } from '@classpod/protocol';

export const LIVE_SCHEME = 'classpod-live';

export interface LiveFile {
  courseId: string;
  studentId: string;
  /** Relative to the workspace root ('' for the root). */
  path: string;
}

/** `/<course>/<student>/<path>`, segments percent-encoded. */
export function livePath(f: LiveFile): string {
  const rest = f.path === '' ? '' : `/${f.path.split('/').map(encodeURIComponent).join('/')}`;
  return `/${encodeURIComponent(f.courseId)}/${encodeURIComponent(f.studentId)}${rest}`;
}

/** Read a URI path back; throws when it names no workspace, or climbs out of it. */
export function parseLivePath(path: string): LiveFile {
  const parts = path.split('/').slice(1).map((p) => decodeURIComponent(p));
  const [courseId, studentId, ...rest] = parts;
  if (!courseId || !studentId) throw new Error(`${LIVE_SCHEME}:${path} names no student's workspace`);
  if (rest.some((p) => p === '..' || p === '.' || p.includes('/'))) throw new Error(`${LIVE_SCHEME}:${path} leaves the workspace`);
  return { courseId, studentId, path: rest.filter((p) => p !== '').join('/') };
}

/** The files to open when following a hand: the assignment folder's own files (no hidden ones), the failing test's first. */
export function filesToOpen(entries: DirectoryEntry[], limit = 4): string[] {
  return entries
    .filter((e) => e.type === 'file' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .slice(0, limit);
}

/** Connections to the workspaces being followed, one each, opened when first read. */
export class LiveWorkspaces {
  private readonly open = new Map<string, { connectPath: string; endpoint?: Promise<RpcEndpoint> }>();

  constructor(private readonly connect: (connectPath: string) => Promise<RpcEndpoint>) {}

  private key(courseId: string, studentId: string): string {
    return `${courseId}/${studentId}`;
  }

  /** Allow reading a workspace (a follow gave its gateway path). */
  follow(courseId: string, studentId: string, connectPath: string): void {
    const k = this.key(courseId, studentId);
    if (this.open.get(k)?.connectPath !== connectPath) this.open.set(k, { connectPath });
  }

  /** Stop reading a workspace and close its connection. */
  unfollow(courseId: string, studentId: string): void {
    const k = this.key(courseId, studentId);
    const entry = this.open.get(k);
    this.open.delete(k);
    void entry?.endpoint?.then((e) => e.close(1000, 'help ended')).catch(() => undefined);
  }

  isFollowed(courseId: string, studentId: string): boolean {
    return this.open.has(this.key(courseId, studentId));
  }

  private endpoint(f: LiveFile): Promise<RpcEndpoint> {
    const entry = this.open.get(this.key(f.courseId, f.studentId));
    if (!entry) throw new Error(`You are not following ${f.studentId}'s workspace in ${f.courseId} (Follow a raised hand first).`);
    if (!entry.endpoint) {
      entry.endpoint = this.connect(entry.connectPath);
      entry.endpoint.catch(() => (entry.endpoint = undefined));
    }
    return entry.endpoint;
  }

  async stat(f: LiveFile): Promise<FileStat> {
    return (await this.endpoint(f)).request(FileStatRequest.type, { path: f.path === '' ? '.' : f.path });
  }

  async list(f: LiveFile): Promise<DirectoryEntry[]> {
    return (await (await this.endpoint(f)).request(FileListRequest.type, { path: f.path === '' ? '.' : f.path })).entries;
  }

  async read(f: LiveFile): Promise<Uint8Array> {
    const { contentBase64 } = await (await this.endpoint(f)).request(FileReadRequest.type, { path: f.path });
    return Buffer.from(contentBase64, 'base64');
  }

  dispose(): void {
    for (const k of [...this.open.keys()]) {
      const [c, s] = k.split('/');
      this.unfollow(c!, s!);
    }
  }
}
