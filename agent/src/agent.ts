// The agent: one HTTP server that serves /healthz, /readyz and /metrics
// (http-routes.ts) and upgrades /v1/connect to a WebSocket for clients that present
// the bearer token. Each connection gets an RpcEndpoint on which every service
// registers its handlers; dead connections are pinged away.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  PingRequest,
  RpcEndpoint,
  type RequestHandler,
  type RequestType,
  type TSchema,
} from '@classpod/protocol';
import { createLogger, MetricsRegistry, type Logger } from '@classpod/observability';
import { AgentMetrics } from './agent-metrics';
import { bearerToken, TokenCheck } from './auth';
import { agentRequestListener, readTarget } from './http-routes';
import { resolveConfig, type AgentConfig, type AgentOptions } from './config';
import { TreeJail } from '@classpod/sync';
import { listenOn } from './listen-address';
import { MemoryRelease } from './memory-release';
import type { AgentContext, AgentService } from './service';
import { agentServices } from './services';

/** The WebSocket endpoint's path. */
export const CONNECT_PATH = '/v1/connect';

/** The agent's version, from its package.json. */
export const AGENT_VERSION: string = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** A running agent. */
export interface AgentHandle {
  /** `http://HOST:PORT` it listens on, or `unix:PATH` with a socket. */
  readonly url: string;
  /** `ws://HOST:PORT/v1/connect`, or `ws+unix://PATH:/v1/connect` with a socket. */
  readonly connectUrl: string;
  readonly config: AgentConfig;
  readonly metrics: MetricsRegistry;
  /** The services, by name (for tests). */
  readonly services: ReadonlyMap<string, AgentService>;
  /** Stop: refuse new connections, close every connection, terminal and watcher. */
  close(): Promise<void>;
}

/** Start an agent with the given options (defaults for the rest). */
export async function startAgent(options: AgentOptions & { logger?: Logger }): Promise<AgentHandle> {
  const config = resolveConfig(options);
  const logger = options.logger ?? createLogger({ name: 'agent' });
  const registry = new MetricsRegistry();
  const metrics = new AgentMetrics(registry);
  const jail = await TreeJail.open(config.root, { maxFileBytes: config.maxFileBytes });
  const tokens = new TokenCheck(config.token);
  const release = new MemoryRelease(() => metrics.memoryReleases.inc());

  const context: AgentContext = {
    config,
    jail,
    logger,
    metrics: registry,
    handle<P extends TSchema, R extends TSchema>(endpoint: RpcEndpoint, type: RequestType<P, R>, handler: RequestHandler<P, R>) {
      endpoint.handle(type, async (params, ctx) => {
        const start = process.hrtime.bigint();
        try {
          return await handler(params, ctx);
        } finally {
          metrics.requestSeconds.observe(Number(process.hrtime.bigint() - start) / 1e9, { method: type.method });
          release.worked();
        }
      });
    },
  };
  const services: AgentService[] = [];
  for (const factory of agentServices) services.push(await factory(context));
  const capabilities = services.flatMap((s) => s.capabilities);

  let ready = false;
  const server = http.createServer(
    agentRequestListener({
      connectPath: CONNECT_PATH,
      ready: () => ready,
      metrics: async () => {
        metrics.syncAll();
        return { contentType: MetricsRegistry.contentType, text: await registry.render() };
      },
      logger,
    }),
  );
  // Frames up to maxFrameBytes are read and checked by the endpoint (an error
  // answers those over its limit); twice that closes the connection unread.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes * 2 });
  const alive = new WeakMap<WebSocket, boolean>();
  const endpoints = new Set<RpcEndpoint>();

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node's server no longer listens for errors on an upgraded socket: a reset now must not end the process.
    socket.on('error', (err) => logger.debug('upgrade socket error', { err }));
    try {
      const target = readTarget(req.url);
      if ('refusal' in target) return refuseUpgrade(socket, 400, target.refusal);
      if (target.path !== CONNECT_PATH) return refuseUpgrade(socket, 404, `no WebSocket endpoint at this path; use ${CONNECT_PATH}`);
      if (!tokens.accepts(bearerToken(req.headers))) {
        logger.warn('connection refused: bad or missing token', { remote: req.socket.remoteAddress });
        return refuseUpgrade(socket, 401, 'a valid `Authorization: Bearer <token>` header is required');
      }
      if (!ready) return refuseUpgrade(socket, 503, 'the agent is stopping');
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
    } catch (err) {
      logger.error('upgrade failed', { err });
      refuseUpgrade(socket, 500, 'the agent failed to answer this upgrade; see its log');
    }
  });

  let connectionCount = 0;
  const onConnection = (ws: WebSocket): void => {
    const connectionId = ++connectionCount;
    const log = logger.child({ connection: connectionId });
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    const endpoint = new RpcEndpoint(ws, {
      role: 'server',
      name: `connection-${connectionId}`,
      logger: log,
      maxFrameBytes: config.maxFrameBytes,
      maxOpenStreams: config.maxOpenStreams,
      maxBufferedBytes: config.maxBufferedBytes,
      maxRequestBytes: config.maxRequestBytes,
      maxConcurrentRequests: config.maxConcurrentRequests,
      onHello: (hello) => {
        log.info('handshake', { client: hello.client, capabilities: hello.capabilities });
        return { sessionId: hello.resumeSessionId ?? randomUUID(), capabilities, server: { name: 'classpod-agent', version: AGENT_VERSION } };
      },
    });
    endpoints.add(endpoint);
    metrics.connectionOpened(endpoint);
    context.handle(endpoint, PingRequest.type, ({ payload }) => ({ ...(payload === undefined ? {} : { payload }), serverTime: new Date().toISOString() }));
    const disposers: Array<() => void> = [];
    for (const s of services) {
      const d = s.connect(endpoint);
      if (d) disposers.push(d);
    }
    endpoint.onClose((code) => {
      endpoints.delete(endpoint);
      release.worked();
      metrics.connectionClosed(endpoint);
      for (const d of disposers) {
        try {
          d();
        } catch (err) {
          log.error('service cleanup failed', { err });
        }
      }
      log.info('connection closed', { code });
    });
    log.info('connection opened');
  };

  // A connection that did not answer the previous ping is dead: drop it.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        logger.info('dropping a connection that missed a ping');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, config.pingIntervalMs);
  pinger.unref();

  const { url, connectUrl } = await listenOn(server, config, CONNECT_PATH);
  ready = true;
  logger.info('agent listening', { url, root: jail.root, jail: jail.rootFolder.anchored ? 'held folders (/proc/self/fd)' : 'checked paths' });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      ready = false;
      clearInterval(pinger);
      release.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const e of endpoints) e.close(1001, 'agent stopping');
      for (const ws of wss.clients) ws.terminate();
      for (const s of services) {
        try {
          await s.close();
        } catch (err) {
          logger.error('service failed to close', { service: s.name, err });
        }
      }
      wss.close();
      server.closeAllConnections();
      await serverClosed;
      await jail.close();
      logger.info('agent stopped');
    })());

  return {
    url,
    connectUrl,
    config,
    metrics: registry,
    services: new Map(services.map((s) => [s.name, s])),
    close,
  };
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const body = `${message}\n`;
  const auth = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
  // Destroyed once the answer is written: the peer gets it, and whatever else it sends is not read.
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${auth}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
