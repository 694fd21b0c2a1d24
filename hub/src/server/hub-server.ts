// One port for everything: express serves /healthz, /readyz, /metrics and the
// CSV grade export; WebSocket upgrades go to the hub API (`/v1/connect`), the
// gateway (`/v1/workspaces/<id>/connect`) or the grading workers (`/v1/grader`).
// Every WebSocket is authenticated before the upgrade completes. Every request
// target is parsed by the protocol's `parseRequestTarget` before any route sees it, and no
// request can end the process: a failure anywhere in an upgrade is answered
// (400 for what the client sent, 500 for the hub's own failures) and logged.

import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PingRequest, PROTOCOL_VERSION, RpcEndpoint } from '@classpod/protocol';
import { MetricsRegistry, type Logger } from '@classpod/observability';
import type { ApiContext } from '../api/api-context';
import type { Caller } from '../api/authorization';
import { attachHubApi, type ApiMetrics } from '../api/hub-api';
import { bearerOf, TokenRefused, TokenScopeRefused, type TokenEndpoint, type TokenService } from '../auth/tokens';
import { WorkspaceGateway } from '../gateway/workspace-gateway';
import { gradesCsv } from '../grading/grade-export';
import { isSlugId } from '../ids/slug-ids';
import { errors, parseRequestTarget, ProtocolError, RequestTargetError, type RequestTarget } from '@classpod/protocol';
import { randomBytes } from 'node:crypto';
import { withoutHostPaths } from './client-text';
import { attachAuthRoutes } from './auth-routes';
import type { OidcSignIn } from '../auth/oidc-sign-in';

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
  /** OpenID Connect sign-in, when configured. */
  oidc?: OidcSignIn;
  /** Whether the hub is reached over https (its cookies are then `Secure`). */
  secureCookies?: boolean;
}

/** Answer an upgrade request with an HTTP error and close the connection (or just close it when it cannot be written any more). */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: message });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
  const auth = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${auth}Connection: close\r\n\r\n${body}`,
  );
}

/** What a WebSocket upgrade asks for, by the decoded segments of its path. */
type WebSocketRoute = { endpoint: 'api' } | { endpoint: 'grader' } | { endpoint: 'gateway'; workspaceId: string };

function websocketRoute(segments: readonly string[]): WebSocketRoute | undefined {
  const [v1, area, id, last] = segments;
  if (v1 !== 'v1') return undefined;
  if (segments.length === 2 && area === 'connect') return { endpoint: 'api' };
  if (segments.length === 2 && area === 'grader') return { endpoint: 'grader' };
  if (segments.length === 4 && area === 'workspaces' && last === 'connect') return { endpoint: 'gateway', workspaceId: id! };
  return undefined;
}

/** The status an authentication failure is answered with: 401 for no valid token, 403 for a valid one of the wrong scope. */
function refusalStatus(err: TokenRefused): 401 | 403 {
  return err instanceof TokenScopeRefused ? 403 : 401;
}

/** Make every handler registered on `endpoint` answer errors without host paths, whatever the message its code wrote. */
function hideHostPathsInErrors(endpoint: RpcEndpoint): void {
  const handle = endpoint.handle.bind(endpoint);
  endpoint.handle = ((type, handler) =>
    handle(type, async (params, ctx) => {
      try {
        return await handler(params, ctx);
      } catch (err) {
        if (err instanceof ProtocolError) throw new ProtocolError(err.code, withoutHostPaths(err.message), err.data);
        throw err;
      }
    })) as RpcEndpoint['handle'];
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
  /** Open API connections by the token they authenticated with, so a sign-out closes them. */
  private readonly byToken = new Map<string, Set<WebSocket>>();

  constructor(private readonly d: HubServerDeps) {
    const app = express();
    app.disable('x-powered-by');
    // The one parse of the request target; express's own (which throws on a broken escape) only ever sees targets that passed it.
    app.use((req, res, next) => {
      try {
        res.locals.target = parseRequestTarget(req.url);
        next();
      } catch (err) {
        if (!(err instanceof RequestTargetError)) throw err;
        res.status(err.status).json({ error: err.message });
      }
    });
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const ok = await d.ready().catch(() => false);
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
    });
    app.get('/metrics', async (_req, res) => {
      res.type(MetricsRegistry.contentType).send(await d.metrics.render());
    });
    attachAuthRoutes(app, {
      oidc: d.oidc,
      tokens: d.tokens,
      store: d.ctx.store,
      logger: d.logger.child({ area: 'auth' }),
      secureCookies: d.secureCookies ?? false,
      closeConnectionsOf: (tokenId) => {
        for (const ws of this.byToken.get(tokenId) ?? []) ws.close(4001, 'signed out');
      },
    });
    // An invite link's page: it tells the person how to join and checks nothing (no oracle for codes).
    app.get('/v1/join/:code', (req, res) => {
      const code = String(req.params.code);
      if (!/^[A-Za-z0-9-]{4,64}$/.test(code)) {
        res.status(404).json({ error: 'this is not an invite link' });
        return;
      }
      res
        .type('text/plain; charset=utf-8')
        .send(`You are invited to a course on Classpod.\n\nIn VS Code with the Classpod extension, sign in to this course server, run "Classpod: Join Course with Invite Code" and enter:\n\n    ${code}\n\n(classpod-hub users: the code works with the invites/join method of the hub API.)\n`);
    });
    app.get('/v1/courses/:courseId/grades.csv', async (req, res) => {
      try {
        const caller = await this.authenticate(req, res.locals.target as RequestTarget, 'api');
        const courseId = String(req.params.courseId);
        if (!isSlugId(courseId)) throw errors.notFound('no such course');
        await d.ctx.authz.staff(caller, courseId);
        await d.ctx.store.audit.add({ actorId: caller.person.id, action: 'grades.export', courseId });
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${courseId}-grades.csv`)
          .send(await gradesCsv(d.ctx.store, courseId));
      } catch (err) {
        const status = err instanceof TokenRefused ? refusalStatus(err) : ProtocolError.is(err, 'Forbidden') ? 403 : ProtocolError.is(err, 'NotFound') ? 404 : 500;
        if (status === 500) d.logger.error('grade export failed', { err });
        const message =
          status === 401 ? 'a valid bearer token is required' : status === 403 && err instanceof TokenRefused ? 'this token does not open the hub API' : status === 500 ? 'export failed; see the hub log' : (err as Error).message;
        res.status(status).json({ error: withoutHostPaths(message) });
      }
    });
    app.use((_req, res) => {
      res.status(404).json({ error: 'no such endpoint on the hub' });
    });
    // Last resort: whatever a route or express itself threw is answered in JSON, never with a stack trace.
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: unknown }).status;
      const clientMistake = typeof status === 'number' && status >= 400 && status < 500;
      if (!clientMistake) d.logger.error('HTTP request failed', { err, method: req.method, path: (res.locals.target as RequestTarget | undefined)?.path });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.status(clientMistake ? status : 500).json({ error: clientMistake ? withoutHostPaths((err as Error).message ?? 'bad request') : 'the hub failed to answer; see its log' });
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
      edits: d.ctx.edits,
      refuse,
    });
    this.apiMetrics = {
      requests: d.metrics.counter('hub_api_requests_total', 'Hub API requests, by method and outcome (ok or the error code).', ['method', 'outcome']),
      seconds: d.metrics.histogram('hub_api_request_seconds', 'Time to answer a hub API request, by method.', ['method']),
    };
    d.metrics.gauge('hub_api_connections', 'Clients connected to the hub API.', () => this.apiWss.clients.size);
    d.metrics.gauge('hub_grader_connections', 'Grading workers connected.', () => this.graderWss.clients.size);
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    // The hub is no proxy: CONNECT gets an answer instead of a dropped connection.
    this.http.on('connect', (_req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      refuse(socket, 405, 'the hub does not tunnel connections (CONNECT)');
    });
  }

  /** The caller behind a request's bearer token, if its scope opens `endpoint`; else a TokenRefused error. */
  private async authenticate(req: IncomingMessage, target: RequestTarget, endpoint: TokenEndpoint): Promise<Caller & { service: boolean; tokenId: string }> {
    const principal = await this.d.tokens.verify(bearerOf(req.headers, target.query), endpoint);
    if (!principal.person) return { person: { id: `token-${principal.tokenId}`, name: 'grader', admin: false }, scopes: principal.scopes, service: true, tokenId: principal.tokenId };
    return { person: principal.person, scopes: principal.scopes, service: false, tokenId: principal.tokenId };
  }

  /** An upgrade request: never rejects. Whatever fails is answered 500 (or the connection closed, once ws owns it) and logged. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const handedOver = { done: false };
    this.onUpgrade(req, socket, head, handedOver).catch((err: unknown) => {
      this.d.logger.error('WebSocket upgrade failed', { err, target: (req.url ?? '').slice(0, 200) });
      if (handedOver.done) socket.destroy();
      else refuse(socket, 500, 'the hub failed to handle this connection; see its log');
    });
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, handedOver: { done: boolean }): Promise<void> {
    let target: RequestTarget;
    try {
      target = parseRequestTarget(req.url);
    } catch (err) {
      if (!(err instanceof RequestTargetError)) throw err;
      return refuse(socket, err.status, err.message);
    }
    const route = websocketRoute(target.segments);
    if (!route) return refuse(socket, 404, 'no WebSocket endpoint at this path (the hub has /v1/connect, /v1/workspaces/<id>/connect and /v1/grader)');
    const endpoint: TokenEndpoint = route.endpoint === 'grader' ? 'grader' : 'api';
    let caller;
    try {
      caller = await this.authenticate(req, target, endpoint);
    } catch (err) {
      if (!(err instanceof TokenRefused)) {
        this.d.logger.error('authentication failed', { err });
        return refuse(socket, 503, 'the hub cannot check tokens right now');
      }
      this.d.logger.info('connection refused', { path: target.path.slice(0, 200), reason: err.message });
      const status = refusalStatus(err);
      return refuse(socket, status, status === 401 ? 'a valid bearer token is required' : `this token's scope does not open ${route.endpoint === 'grader' ? 'the grader endpoint' : 'the hub API'}`);
    }
    if (route.endpoint === 'gateway') {
      handedOver.done = true;
      return this.gateway.handleUpgrade(req, socket, head, route.workspaceId, caller);
    }
    const wss = route.endpoint === 'api' ? this.apiWss : this.graderWss;
    handedOver.done = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      if (route.endpoint === 'api') this.serveApi(ws, caller, caller.tokenId);
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
    hideHostPathsInErrors(endpoint);
    endpoint.handle(PingRequest.type, (p) => ({ ...(p.payload !== undefined ? { payload: p.payload } : {}), serverTime: this.d.ctx.clock.now().toISOString() }));
    return endpoint;
  }

  private serveApi(ws: WebSocket, caller: Caller, tokenId: string): void {
    const endpoint = this.endpointFor(ws, 'hub-api', ['hub', 'events', `protocol-${PROTOCOL_VERSION}`]);
    attachHubApi(endpoint, this.d.ctx, caller, this.apiMetrics);
    const remove = this.d.ctx.events.add({ personId: caller.person.id, endpoint });
    const sockets = this.byToken.get(tokenId) ?? new Set<WebSocket>();
    this.byToken.set(tokenId, sockets.add(ws));
    endpoint.onClose(() => {
      remove();
      sockets.delete(ws);
      if (sockets.size === 0 && this.byToken.get(tokenId) === sockets) this.byToken.delete(tokenId);
    });
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
