// Test fixture: a course server stand-in on 127.0.0.1 that speaks the real
// protocol over a real WebSocket, checks the bearer token on upgrade like the
// hub does, and answers the few hub methods a test registers.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcEndpoint, WhoAmIRequest, ListCoursesRequest, ListAssignmentsRequest, type AssignmentSummary } from '@classpod/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeHub {
  url: string;
  port: number;
  /** Tokens the server accepts; remove one to revoke it. */
  tokens: Set<string>;
  assignments: AssignmentSummary[];
  /** Server-side endpoints, in connection order. */
  endpoints: RpcEndpoint[];
  /** Called with each new server-side endpoint, to register more methods. */
  onConnect?: (endpoint: RpcEndpoint) => void;
  /** Drop every connection (a network cut). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startFakeHub(options: { port?: number; status?: number } = {}): Promise<FakeHub> {
  const tokens = new Set(['alice-token']);
  const endpoints: RpcEndpoint[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end('not here');
  });
  const hub: FakeHub = {
    url: '',
    port: 0,
    tokens,
    assignments: [
      {
        id: 'hello-c',
        courseId: 'cs101',
        title: 'Hello, C',
        dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        extended: false,
        latePolicy: { penaltyPercentPerDay: 10 },
        state: 'not started',
      },
    ],
    endpoints,
    dropAll: () => {
      for (const s of sockets) s.terminate();
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('upgrade', (req, socket, head) => {
    if (options.status) {
      socket.end(`HTTP/1.1 ${options.status} Nope\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (req.url !== '/v1/connect') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const endpoint = new RpcEndpoint(ws, { role: 'server' });
      endpoints.push(endpoint);
      endpoint.handle(WhoAmIRequest.type, () => ({
        personId: 'alice',
        name: 'Alice Student',
        admin: false,
        courses: [{ courseId: 'cs101', role: 'student' as const }],
        serverTime: new Date().toISOString(),
        scopes: ['hub'],
      }));
      endpoint.handle(ListCoursesRequest.type, () => ({
        courses: [{ id: 'cs101', title: 'CS 101', role: 'student' as const, assignments: hub.assignments.length, students: 0 }],
      }));
      endpoint.handle(ListAssignmentsRequest.type, () => ({ assignments: hub.assignments, serverTime: new Date().toISOString() }));
      hub.onConnect?.(endpoint);
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  hub.port = (server.address() as AddressInfo).port;
  hub.url = `http://127.0.0.1:${hub.port}`;
  return hub;
}

/** A port on which nothing listens (bound, read, released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Secret storage in memory. */
export function memorySecrets(): { map: Map<string, string>; get(k: string): Promise<string | undefined>; store(k: string, v: string): Promise<void>; delete(k: string): Promise<void> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    store: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}
