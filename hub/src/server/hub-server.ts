// One port for everything: express serves /healthz, /readyz, /metrics and the
// CSV grade export; WebSocket upgrades go to the hub API (`/v1/connect`), the
// gateway (`/v1/workspaces/<id>/connect`) or the grading workers (`/v1/grader`).
// Every WebSocket is authenticated before the upgrade completes.

import express from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MetricsRegistry, PingRequest, PROTOCOL_VERSION, RpcEndpoint, type Logger } from '@classpod/protocol';
import type { ApiContext } from '../api/api-context';
import type { Caller } from '../api/authorization';
import { attachHubApi, type ApiMetrics } from '../api/hub-api';
import { bearerOf, TokenRefused, type TokenScope, type TokenService } from '../auth/tokens';
import { WorkspaceGateway } from '../gateway/workspace-gateway';
import { gradeBookCsv } from '../grading/grade-book';
import { ProtocolError } from '@classpod/protocol';
import { randomBytes } from 'node:crypto';

export const HUB_VERSION = '0.1.0';

export interface HubServerDeps {
  ctx: ApiContext;
  tokens: TokenService;
  metrics: MetricsRegistry;
  logger: Logger;
  maxFrameBytes: number;
  pingIntervalMs: number;
  /** Whether the hub is ready to serve (store reachable, provider started). */
  ready: () => Promise<boolean>;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export class HubServer {
  readonly http: Server;
  private readonly apiWss: WebSocketServer;
  private readonly graderWss: WebSocketServer;
  private readonly relayWss: WebSocketServer;
  readonly gateway: WorkspaceGateway;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly apiMetrics: ApiMetrics;

  constructor(private readonly d: HubServerDeps) {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const ok = await d.ready().catch(() => false);
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
    });
    app.get('/metrics', (_req, res) => {
      res.type(MetricsRegistry.contentType).send(d.metrics.render());
    });
    app.get('/v1/courses/:courseId/grades.csv', async (req, res) => {
      try {
        const caller = await this.authenticate(req, 'hub');
        const courseId = String(req.params.courseId);
        await d.ctx.authz.staff(caller, courseId);
        await d.ctx.store.audit({ actorId: caller.person.id, action: 'grades.export', courseId });
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${courseId}-grades.csv`)
          .send(await gradeBookCsv(d.ctx.store, courseId));
      } catch (err) {
        const status = err instanceof TokenRefused ? 401 : ProtocolError.is(err, 'Forbidden') ? 403 : ProtocolError.is(err, 'NotFound') ? 404 : 500;
        if (status === 500) d.logger.error('grade export failed', { err });
        res.status(status).json({ error: status === 401 ? 'a valid bearer token is required' : status === 500 ? 'export failed; see the hub log' : (err as Error).message });
      }
    });
    this.http = createServer(app);
    // The socket takes frames somewhat over the limit so the endpoint can answer TooLarge instead of dropping the connection.
    const wsOptions = { noServer: true, maxPayload: d.maxFrameBytes * 2 + 64 * 1024 };
    this.apiWss = new WebSocketServer(wsOptions);
    this.graderWss = new WebSocketServer(wsOptions);
    this.relayWss = new WebSocketServer({ noServer: true, maxPayload: d.maxFrameBytes });
    this.gateway = new WorkspaceGateway({
      wss: this.relayWss,
      store: d.ctx.store,
      authz: d.ctx.authz,
      opener: d.ctx.workspaces,
      provider: d.ctx.provider,
      logger: d.logger.child({ area: 'gateway' }),
      metrics: d.metrics,
      refuse,
    });
    this.apiMetrics = {
      requests: d.metrics.counter('hub_api_requests_total', 'Hub API requests, by method and outcome (ok or the error code).'),
      seconds: d.metrics.histogram('hub_api_request_seconds', 'Time to answer a hub API request, by method.'),
    };
    d.metrics.gauge('hub_api_connections', 'Clients connected to the hub API.', () => this.apiWss.clients.size);
    d.metrics.gauge('hub_grader_connections', 'Grading workers connected.', () => this.graderWss.clients.size);
    this.http.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head));
  }

  private async authenticate(req: IncomingMessage, scope: TokenScope): Promise<Caller & { service: boolean }> {
    const principal = await this.d.tokens.verify(bearerOf(req.headers, req.url), scope);
    if (!principal.person) {
      if (scope === 'grader') return { person: { id: `token-${principal.tokenId}`, name: 'grader', admin: false }, scopes: principal.scopes, service: true };
      throw new TokenRefused('a person token is required');
    }
    return { person: principal.person, scopes: principal.scopes, service: false };
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    const gatewayMatch = /^\/v1\/workspaces\/([^/]+)\/connect$/.exec(path);
    const scope: TokenScope | undefined = path === '/v1/connect' || gatewayMatch ? 'hub' : path === '/v1/grader' ? 'grader' : undefined;
    if (!scope) return refuse(socket, 404, `no WebSocket endpoint at ${path}`);
    let caller;
    try {
      caller = await this.authenticate(req, scope);
    } catch (err) {
      if (!(err instanceof TokenRefused)) {
        this.d.logger.error('authentication failed', { err });
        return refuse(socket, 503, 'the hub cannot check tokens right now');
      }
      this.d.logger.info('connection refused', { path, reason: err.message });
      return refuse(socket, 401, 'a valid bearer token is required');
    }
    if (gatewayMatch) return this.gateway.handleUpgrade(req, socket, head, decodeURIComponent(gatewayMatch[1]!), caller);
    const wss = scope === 'hub' ? this.apiWss : this.graderWss;
    wss.handleUpgrade(req, socket, head, (ws) => {
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      if (scope === 'hub') this.serveApi(ws, caller);
      else this.serveGrader(ws, caller.person.id);
    });
  }

  private endpointFor(ws: WebSocket, name: string, capabilities: string[]): RpcEndpoint {
    const endpoint = new RpcEndpoint(ws, {
      role: 'server',
      name,
      logger: this.d.logger,
      maxFrameBytes: this.d.maxFrameBytes,
      onHello: () => ({ sessionId: randomBytes(16).toString('hex'), capabilities, server: { name: 'classpod-hub', version: HUB_VERSION } }),
    });
    endpoint.handle(PingRequest.type, (p) => ({ ...(p.payload !== undefined ? { payload: p.payload } : {}), serverTime: this.d.ctx.clock.now().toISOString() }));
    return endpoint;
  }

  private serveApi(ws: WebSocket, caller: Caller): void {
    const endpoint = this.endpointFor(ws, 'hub-api', ['hub', 'events', `protocol-${PROTOCOL_VERSION}`]);
    attachHubApi(endpoint, this.d.ctx, caller, this.apiMetrics);
    const remove = this.d.ctx.events.add({ personId: caller.person.id, endpoint });
    endpoint.onClose(() => remove());
  }

  private serveGrader(ws: WebSocket, workerName: string): void {
    const endpoint = this.endpointFor(ws, 'hub-grader', ['grading']);
    this.d.ctx.queue.attach(endpoint);
    this.d.logger.info('grading worker connected', { worker: workerName });
    endpoint.onClose(() => this.d.logger.info('grading worker left', { worker: workerName }));
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.pingTimer = setInterval(() => {
      for (const wss of [this.apiWss, this.graderWss]) {
        for (const ws of wss.clients) {
          if (!this.alive.has(ws)) {
            ws.terminate();
            continue;
          }
          this.alive.delete(ws);
          ws.ping();
        }
      }
    }, this.d.pingIntervalMs);
    this.pingTimer.unref();
    return this.http.address() as AddressInfo;
  }

  async close(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const wss of [this.apiWss, this.graderWss, this.relayWss]) for (const ws of wss.clients) ws.terminate();
    this.gateway.closeAll();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    for (const wss of [this.apiWss, this.graderWss, this.relayWss]) wss.close();
  }
}
