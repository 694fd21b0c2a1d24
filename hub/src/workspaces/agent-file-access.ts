// The hub's one way into workspace files, for every provider: through the
// workspace's own agent and its `files/*` methods, whose jail checks every
// path, link and file type. The hub never opens a workspace folder itself, so
// a link a student made leads the hub nowhere: the agent refuses what leaves
// the root, and a sandboxed agent cannot see past its own workspace anyway.
// Layouts, snapshots, submissions and `.classpod/` files all go through here.

import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FileDeleteRequest,
  FileListRequest,
  FileReadRequest,
  FileReadStreamRequest,
  FileStatRequest,
  FileWriteRequest,
  FileWriteStreamRequest,
  FILES_INLINE_MAX_BYTES,
  ProtocolError,
  RpcEndpoint,
  errors,
} from '@classpod/protocol';
import { workspaceIdOf, type AgentEndpoint, type WorkspaceKey, type WorkspaceProvider } from './workspace-provider';

/** A file of a workspace with its content (paths relative, `/`-separated). */
export interface WorkspaceFile {
  path: string;
  content: Buffer;
  /** POSIX permission bits. */
  mode: number;
}

/** Limits of one folder read: files, bytes, and which names are skipped wherever they appear. */
export interface TreeLimits {
  maxFiles: number;
  maxBytes: number;
  skips(name: string): boolean;
}

/** One connection to a workspace's files; paths relative to the workspace root. */
export interface WorkspaceFiles {
  /** Whether a path exists (a link that leaves the workspace is refused with an error). */
  exists(path: string): Promise<boolean>;
  /** What a path is, undefined when missing (a link that leaves the workspace is refused with an error). */
  typeOf(path: string): Promise<'file' | 'directory' | 'symlink' | 'other' | undefined>;
  /** Remove a path, a folder with everything in it; a link is removed itself, never what it leads to. */
  remove(path: string): Promise<void>;
  /** Write files (creating folders), each atomically; a file that exists keeps its mode. */
  write(files: WorkspaceFile[]): Promise<void>;
  /** Every regular file under a folder (paths relative to that folder; links and special files skipped, never followed). */
  readTree(folder: string, limits: TreeLimits): Promise<WorkspaceFile[]>;
}

/** Reaching workspaces' files. */
export interface WorkspaceFileAccess {
  /**
   * Run `fn` over one connection to the workspace's files, starting the
   * workspace if needed. `brief`: the hub only reads or writes, nobody works
   * there; a workspace started for it is stopped again soon after.
   */
  use<T>(key: WorkspaceKey, fn: (files: WorkspaceFiles) => Promise<T>, options?: { brief?: boolean }): Promise<T>;
  /** The same, only when the workspace is running now (undefined otherwise; never starts one). */
  useIfRunning<T>(key: WorkspaceKey, fn: (files: WorkspaceFiles) => Promise<T>): Promise<T | undefined>;
  /** Whether the workspace has files at all (false: never started, nothing to read); never starts it. */
  exists(key: WorkspaceKey): Promise<boolean>;
}

/** A workspace started only for the hub's own file access counts as idle after this long (ms). */
export const BRIEF_IDLE_MS = 60_000;

export class AgentFileAccess implements WorkspaceFileAccess {
  constructor(private readonly provider: WorkspaceProvider) {}

  async use<T>(key: WorkspaceKey, fn: (files: WorkspaceFiles) => Promise<T>, options: { brief?: boolean } = {}): Promise<T> {
    const agent = await this.provider.ensureRunning(key, options.brief ? { idleAfterMs: BRIEF_IDLE_MS } : {});
    return withAgent(workspaceIdOf(key), agent, (endpoint) => fn(new AgentFiles(endpoint)));
  }

  async useIfRunning<T>(key: WorkspaceKey, fn: (files: WorkspaceFiles) => Promise<T>): Promise<T | undefined> {
    if ((await this.provider.status(key)).state !== 'running') return undefined;
    return this.use(key, fn);
  }

  async exists(key: WorkspaceKey): Promise<boolean> {
    return this.provider.exists ? this.provider.exists(key) : true;
  }
}

/** Open a connection to an agent, say hello, run `fn`, close. Errors name the workspace, never a host path or socket. */
async function withAgent<T>(workspaceId: string, agent: AgentEndpoint, fn: (endpoint: RpcEndpoint) => Promise<T>): Promise<T> {
  const { ws, endpoint } = await connectToAgent(workspaceId, agent, { capabilities: ['files'], name: 'hub-files' });
  try {
    return await fn(endpoint);
  } finally {
    ws.terminate();
  }
}

/**
 * A connection of the hub's own to an agent, after the handshake; the caller
 * owns it and terminates `ws`. Errors name the workspace, never a host path or socket.
 */
export async function connectToAgent(
  workspaceId: string,
  agent: AgentEndpoint,
  options: { capabilities: string[]; name: string },
): Promise<{ ws: WebSocket; endpoint: RpcEndpoint }> {
  const ws = new WebSocket(agent.url, { headers: { authorization: `Bearer ${agent.token}` }, maxPayload: DEFAULT_MAX_FRAME_BYTES * 2 });
  try {
    try {
      await Promise.race([
        once(ws, 'open'),
        once(ws, 'unexpected-response').then(([, res]) => {
          throw new Error(`HTTP ${(res as { statusCode: number }).statusCode}`);
        }),
      ]);
    } catch (err) {
      throw errors.unavailable(`the agent of workspace ${workspaceId} cannot be reached (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const endpoint = new RpcEndpoint(ws, { role: 'client', name: options.name });
    await endpoint.hello({ capabilities: options.capabilities, client: { name: 'classpod-hub', version: '0.1.0' } });
    return { ws, endpoint };
  } catch (err) {
    ws.terminate();
    throw err;
  }
}

/** `WorkspaceFiles` over an agent connection: inline requests for small files, streams for large ones. */
class AgentFiles implements WorkspaceFiles {
  constructor(private readonly e: RpcEndpoint) {}

  async exists(path: string): Promise<boolean> {
    try {
      await this.e.request(FileStatRequest.type, { path });
      return true;
    } catch (err) {
      if (ProtocolError.is(err, 'NotFound')) return false;
      throw err;
    }
  }

  async typeOf(path: string): Promise<'file' | 'directory' | 'symlink' | 'other' | undefined> {
    try {
      return (await this.e.request(FileStatRequest.type, { path })).type;
    } catch (err) {
      if (ProtocolError.is(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    await this.e.request(FileDeleteRequest.type, { path, recursive: true });
  }

  async write(files: WorkspaceFile[]): Promise<void> {
    for (const f of files) {
      const options = { path: f.path, createParents: true, mode: f.mode & 0o777 || 0o644 };
      if (f.content.byteLength <= FILES_INLINE_MAX_BYTES) {
        await this.e.request(FileWriteRequest.type, { ...options, contentBase64: f.content.toString('base64') });
        continue;
      }
      const streamId = this.e.allocateStreamId();
      const stream = this.e.openStream(streamId);
      const answer = this.e.request(FileWriteStreamRequest.type, { ...options, streamId, size: f.content.byteLength });
      stream.write(f.content);
      stream.end('eof');
      await answer;
    }
  }

  async readTree(folder: string, limits: TreeLimits): Promise<WorkspaceFile[]> {
    const out: WorkspaceFile[] = [];
    let bytes = 0;
    let entries = 0;
    const over = (): ProtocolError =>
      errors.tooLarge(`\`${folder}\` is over the snapshot limits (${limits.maxFiles} files and folders, ${limits.maxBytes} bytes)`, { path: folder });
    const walk = async (dir: string, rel: string): Promise<void> => {
      for (const entry of (await this.e.request(FileListRequest.type, { path: dir })).entries) {
        if (limits.skips(entry.name)) continue;
        const path = `${dir}/${entry.name}`;
        const relPath = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.type !== 'directory' && entry.type !== 'file') continue;
        if (++entries > limits.maxFiles * 2) throw over();
        if (entry.type === 'directory') {
          await walk(path, relPath);
          continue;
        }
        if (out.length + 1 > limits.maxFiles || bytes + entry.size > limits.maxBytes) throw over();
        const file = await this.read(path, entry.size, limits.maxBytes - bytes, over);
        bytes += file.content.byteLength;
        out.push({ path: relPath, ...file });
      }
    };
    await walk(folder, '');
    return out;
  }

  /** One file's content and mode, at most `budget` bytes (`size`: as listed; a file may grow meanwhile). */
  private async read(path: string, size: number, budget: number, over: () => ProtocolError): Promise<{ content: Buffer; mode: number }> {
    if (size <= FILES_INLINE_MAX_BYTES) {
      try {
        const read = await this.e.request(FileReadRequest.type, { path });
        if (read.stat.size > budget) throw over();
        return { content: Buffer.from(read.contentBase64, 'base64'), mode: read.stat.mode & 0o777 };
      } catch (err) {
        // Grown past the inline limit since it was listed: stream it.
        if (!ProtocolError.is(err, 'TooLarge') || err.message === over().message) throw err;
      }
    }
    const r = await this.e.request(FileReadStreamRequest.type, { path });
    if (r.stat.size > budget) {
      this.e.openStream(r.streamId).end('too large');
      throw over();
    }
    const stream = this.e.openStream(r.streamId);
    const chunks: Buffer[] = [];
    let received = 0;
    const reason = await new Promise<string | undefined>((resolve) => {
      stream.onData((chunk) => {
        received += chunk.byteLength;
        if (received > budget) stream.end('too large');
        else chunks.push(Buffer.from(chunk));
      });
      stream.onEnd(resolve);
    });
    if (received > budget) throw over();
    if (reason !== 'eof') throw errors.unavailable(`reading \`${path}\` stopped (${reason ?? 'no reason'})`, { path });
    return { content: Buffer.concat(chunks), mode: r.stat.mode & 0o777 };
  }
}
