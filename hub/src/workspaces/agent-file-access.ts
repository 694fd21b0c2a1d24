// Workspace file access through the workspace's own agent (its `files/*`
// methods), for providers that cannot reach workspace files directly (the
// Kubernetes provider keeps them in volumes). Starts the workspace if needed.

import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  FileListRequest,
  FileReadRequest,
  FileStatRequest,
  FileWriteRequest,
  FILES_INLINE_MAX_BYTES,
  ProtocolError,
  RpcEndpoint,
  errors,
} from '@classpod/protocol';
import type { WorkspaceFile, WorkspaceFileAccess, WorkspaceKey, WorkspaceProvider } from './workspace-provider';

export class AgentFileAccess implements WorkspaceFileAccess {
  constructor(private readonly provider: WorkspaceProvider) {}

  private async withAgent<T>(key: WorkspaceKey, fn: (endpoint: RpcEndpoint) => Promise<T>): Promise<T> {
    const agent = await this.provider.ensureRunning(key);
    const ws = new WebSocket(agent.url, { headers: { authorization: `Bearer ${agent.token}` } });
    try {
      await Promise.race([
        once(ws, 'open'),
        once(ws, 'unexpected-response').then(([, res]) => {
          throw errors.unavailable(`the agent of ${key.courseId}--${key.studentId} answered HTTP ${(res as { statusCode: number }).statusCode}`);
        }),
      ]);
      const endpoint = new RpcEndpoint(ws, { role: 'client', name: 'hub-files' });
      await endpoint.hello({ capabilities: ['files'], client: { name: 'classpod-hub', version: '0.1.0' } });
      return await fn(endpoint);
    } finally {
      ws.terminate();
    }
  }

  exists(key: WorkspaceKey, path: string): Promise<boolean> {
    return this.withAgent(key, async (e) => {
      try {
        await e.request(FileStatRequest.type, { path });
        return true;
      } catch (err) {
        if (ProtocolError.is(err, 'NotFound')) return false;
        throw err;
      }
    });
  }

  write(key: WorkspaceKey, files: WorkspaceFile[]): Promise<void> {
    return this.withAgent(key, async (e) => {
      for (const f of files) {
        await e.request(FileWriteRequest.type, { path: f.path, contentBase64: f.content.toString('base64'), createParents: true, mode: f.mode & 0o777 });
      }
    });
  }

  readTree(key: WorkspaceKey, folder: string, limits: { maxFiles: number; maxBytes: number; skipNames: readonly string[] }): Promise<WorkspaceFile[]> {
    return this.withAgent(key, async (e) => {
      const out: WorkspaceFile[] = [];
      let bytes = 0;
      const skip = new Set(limits.skipNames);
      const walk = async (dir: string, rel: string): Promise<void> => {
        for (const entry of (await e.request(FileListRequest.type, { path: dir })).entries) {
          if (skip.has(entry.name)) continue;
          const path = `${dir}/${entry.name}`;
          const relPath = rel ? `${rel}/${entry.name}` : entry.name;
          if (entry.type === 'directory') await walk(path, relPath);
          else if (entry.type === 'file') {
            bytes += entry.size;
            if (out.length + 1 > limits.maxFiles || bytes > limits.maxBytes || entry.size > FILES_INLINE_MAX_BYTES) {
              throw errors.tooLarge(`${folder} is over the snapshot limits (${limits.maxFiles} files, ${limits.maxBytes} bytes, ${FILES_INLINE_MAX_BYTES} bytes a file)`);
            }
            const read = await e.request(FileReadRequest.type, { path });
            out.push({ path: relPath, content: Buffer.from(read.contentBase64, 'base64'), mode: read.stat.mode & 0o777 });
          }
        }
      };
      await walk(folder, '');
      return out;
    });
  }
}
