// The `classpod` command's connection to the course server, for what only the
// hub knows (submitting, scores): the hub's address from CLASSPOD_HUB_URL or the
// workspace's course.json, the student's own token from CLASSPOD_TOKEN_FILE or
// CLASSPOD_TOKEN (never the agent's), one WebSocket to /v1/connect with the
// handshake done, closed by whoever opened it.

import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { WebSocket } from 'ws';
import { RpcEndpoint, type RequestType, type Static, type TSchema } from '@classpod/protocol';
import { WorkspaceError, type CourseInfo } from '../workspace/course-workspace';

/** The command's version (the agent package's), told to the hub in the handshake; read here so the command loads nothing of the server. */
const CLI_VERSION: string = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Where the hub is and who the student is, or why the command cannot say. */
export type HubCredentials = { ok: true; hubUrl: string; token: string } | { ok: false; reason: string };

/** The hub's address and the student's token from the environment and the workspace's course file. */
export function hubCredentials(env: NodeJS.ProcessEnv, course: CourseInfo | undefined): HubCredentials {
  const hubUrl = env.CLASSPOD_HUB_URL || course?.hubUrl;
  if (!hubUrl) return { ok: false, reason: 'the hub is not known: .classpod/course.json names none and CLASSPOD_HUB_URL is not set' };
  if (!/^https?:\/\//.test(hubUrl)) return { ok: false, reason: `the hub address \`${hubUrl}\` does not start with http:// or https://` };
  let token = env.CLASSPOD_TOKEN?.trim();
  if (env.CLASSPOD_TOKEN_FILE) {
    try {
      token = readFileSync(env.CLASSPOD_TOKEN_FILE, 'utf8').trim();
    } catch {
      return { ok: false, reason: 'CLASSPOD_TOKEN_FILE names a file that cannot be read' };
    }
  }
  if (!token) return { ok: false, reason: 'no token: put the token your professor gave you in a file and set CLASSPOD_TOKEN_FILE to it (or CLASSPOD_TOKEN)' };
  return { ok: true, hubUrl: hubUrl.replace(/\/+$/, ''), token };
}

/** A connection to the hub's API. Dispose with `close()`. */
export class HubSession {
  private constructor(
    private readonly ws: WebSocket,
    private readonly endpoint: RpcEndpoint,
  ) {}

  /** Connect with the student's token and do the handshake; a WorkspaceError names what went wrong. */
  static async open(hubUrl: string, token: string): Promise<HubSession> {
    const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/v1/connect`, { headers: { authorization: `Bearer ${token}` }, handshakeTimeout: 15_000 });
    try {
      await Promise.race([
        once(ws, 'open'),
        once(ws, 'unexpected-response').then(([, res]) => {
          const status = (res as { statusCode?: number }).statusCode;
          throw new WorkspaceError(status === 401 || status === 403 ? `the hub refused the token (HTTP ${status})` : `the hub answered HTTP ${status}`);
        }),
      ]);
    } catch (err) {
      ws.terminate();
      if (err instanceof WorkspaceError) throw err;
      throw new WorkspaceError(`cannot reach the hub at ${hubUrl}: ${(err as Error).message}`);
    }
    const endpoint = new RpcEndpoint(ws, { role: 'client', name: 'classpod', requestTimeoutMs: 120_000 });
    const session = new HubSession(ws, endpoint);
    try {
      await endpoint.hello({ capabilities: [], client: { name: 'classpod-cli', version: CLI_VERSION } });
    } catch (err) {
      session.close();
      throw new WorkspaceError(`the hub refused the connection: ${(err as Error).message}`);
    }
    return session;
  }

  request<P extends TSchema, R extends TSchema>(type: RequestType<P, R>, params: Static<P>): Promise<Static<R>> {
    return this.endpoint.request(type, params);
  }

  close(): void {
    this.endpoint.close();
    this.ws.terminate();
  }
}
