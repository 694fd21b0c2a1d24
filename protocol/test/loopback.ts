// Test fixture: a real `ws` server on 127.0.0.1 with RpcEndpoints at both ends.

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { RpcEndpoint, type RpcEndpointOptions } from '../src';

export interface Loopback {
  server: WebSocketServer;
  url: string;
  /** Server-side endpoints, in connection order. */
  serverEndpoints: RpcEndpoint[];
  connect(options?: Partial<RpcEndpointOptions>): Promise<{ ws: WebSocket; endpoint: RpcEndpoint }>;
  close(): Promise<void>;
}

export async function startLoopback(
  setup: (endpoint: RpcEndpoint) => void,
  serverOptions: Partial<RpcEndpointOptions> = {},
): Promise<Loopback> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const serverEndpoints: RpcEndpoint[] = [];
  const clients: WebSocket[] = [];
  server.on('connection', (ws) => {
    const endpoint = new RpcEndpoint(ws, { role: 'server', ...serverOptions });
    serverEndpoints.push(endpoint);
    setup(endpoint);
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    serverEndpoints,
    async connect(options = {}) {
      const ws = new WebSocket(url);
      clients.push(ws);
      await once(ws, 'open');
      return { ws, endpoint: new RpcEndpoint(ws, { role: 'client', ...options }) };
    },
    async close() {
      for (const c of clients) c.terminate();
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Send a raw text frame and wait for the next text frame, parsed. */
export async function rawExchange(ws: WebSocket, frame: string | Buffer, binary = false): Promise<Record<string, unknown>> {
  const reply = new Promise<Record<string, unknown>>((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (isBinary) return;
      ws.off('message', onMessage);
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    };
    ws.on('message', onMessage);
  });
  ws.send(frame, { binary });
  return reply;
}
