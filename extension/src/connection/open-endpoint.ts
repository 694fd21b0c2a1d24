// Opens one authenticated WebSocket to the course server (or, through its
// gateway, to a workspace's agent), does the handshake, and hands back the
// protocol endpoint. Every failure becomes a ConnectionError that says which
// problem it is.

import { RpcEndpoint, type HelloResult } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import WebSocket from 'ws';
import { classifyConnectFailure, webSocketUrl } from './connection-error';

/** Who this client is, in the handshake. */
export const CLIENT_NAME = 'classpod-vscode';

export interface OpenEndpointOptions {
  /** The course server's http(s) address. */
  server: URL;
  /** WebSocket path on the server, e.g. `/v1/connect`. */
  path: string;
  /** The person's token, sent as `Authorization: Bearer`. */
  token: string;
  /** Capabilities announced in the handshake. */
  capabilities: string[];
  clientVersion: string;
  logger: Logger;
  /** Give up connecting after this long (ms). */
  timeoutMs?: number;
  /** Request timeout of the endpoint (ms). */
  requestTimeoutMs?: number;
  /** Resume a session (terminals) from an earlier connection. */
  resumeSessionId?: string;
}

/** An open, handshaken connection. Close it with `endpoint.close()`. */
export interface OpenedEndpoint {
  endpoint: RpcEndpoint;
  hello: HelloResult;
}

/** Connect, authenticate and handshake; rejects with a ConnectionError. */
export async function openEndpoint(options: OpenEndpointOptions): Promise<OpenedEndpoint> {
  const url = webSocketUrl(options.server, options.path);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ws = new WebSocket(url, {
    headers: { authorization: `Bearer ${options.token}` },
    handshakeTimeout: timeoutMs,
    maxPayload: 64 * 1024 * 1024,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(classifyConnectFailure(err, options.server)));
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        reject(classifyConnectFailure(undefined, options.server, res.statusCode ?? 0));
      });
    });
  } catch (err) {
    ws.terminate();
    throw err;
  }
  ws.on('error', () => undefined); // later errors arrive as 'close' on the endpoint
  const endpoint = new RpcEndpoint(ws, {
    role: 'client',
    name: `vscode→${options.path}`,
    logger: options.logger,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  try {
    const hello = await endpoint.hello({
      capabilities: options.capabilities,
      client: { name: CLIENT_NAME, version: options.clientVersion },
      ...(options.resumeSessionId ? { resumeSessionId: options.resumeSessionId } : {}),
    });
    return { endpoint, hello };
  } catch (err) {
    endpoint.close(1000, 'handshake failed');
    throw classifyConnectFailure(err, options.server);
  }
}
