// A client of the hub as the extension is one: a real WebSocket with a bearer
// token, an RpcEndpoint that did the handshake, and the events it received.

import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  RegradeRequestChangedNotification,
  RpcEndpoint,
  ScoreChangedNotification,
  HelpChangedNotification,
  SubmissionAddedNotification,
  WorkspaceStatusChangedNotification,
  type NotificationType,
  type RequestType,
  type Static,
  type TSchema,
} from '@classpod/protocol';

export interface ReceivedEvent {
  method: string;
  params: Record<string, unknown>;
}

export class TestClient {
  readonly events: ReceivedEvent[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket, readonly endpoint: RpcEndpoint) {
    const types: Array<NotificationType<TSchema>> = [
      ScoreChangedNotification.type as unknown as NotificationType<TSchema>,
      SubmissionAddedNotification.type as unknown as NotificationType<TSchema>,
      WorkspaceStatusChangedNotification.type as unknown as NotificationType<TSchema>,
      RegradeRequestChangedNotification.type as unknown as NotificationType<TSchema>,
      HelpChangedNotification.type as unknown as NotificationType<TSchema>,
    ];
    for (const t of types) {
      endpoint.onNotification(t, (params) => {
        this.events.push({ method: t.method, params: params as Record<string, unknown> });
        for (const w of this.waiters.splice(0)) w();
      });
    }
  }

  /** Open a connection to `path` of the hub and do the handshake. */
  static async connect(hubUrl: string, token: string | undefined, path = '/v1/connect'): Promise<TestClient> {
    const ws = new WebSocket(hubUrl.replace(/^http/, 'ws') + path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    await Promise.race([
      once(ws, 'open'),
      once(ws, 'unexpected-response').then(([, res]) => {
        throw new HttpRefusal((res as { statusCode: number }).statusCode);
      }),
    ]);
    const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
    const client = new TestClient(ws, endpoint);
    await endpoint.hello({ capabilities: ['files', 'terminals'], client: { name: 'hub-test', version: '0' } });
    return client;
  }

  request<P extends TSchema, R extends TSchema>(type: RequestType<P, R>, params: Static<P>): Promise<Static<R>> {
    return this.endpoint.request(type, params);
  }

  /** The first event of `method` (already received or still to come) matching `match`. */
  async waitForEvent(method: string, match: (params: Record<string, unknown>) => boolean = () => true, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.method === method && match(e.params));
      if (found) return found.params;
      if (Date.now() > deadline) throw new Error(`no ${method} event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.method))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.endpoint.close(1000, 'test done');
    this.ws.terminate();
  }
}

/** The hub refused the WebSocket upgrade with this HTTP status. */
export class HttpRefusal extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
