// The agent's few HTTP routes on node:http alone: /healthz, /readyz and
// /metrics (GET and HEAD), a 400 with a reason for a request target that does
// not parse, and a 404 naming the routes for everything else. One agent runs
// per workspace, so a web framework (express and its 130 modules, several
// MiB per process) would cost more than these routes are worth.

import http from 'node:http';
import { parseRequestTarget, RequestTargetError } from '@classpod/protocol';
import type { Logger } from '@classpod/observability';

export interface AgentRoutes {
  /** The WebSocket endpoint's path (named by the 404 answer). */
  connectPath: string;
  /** Whether /readyz answers 200. */
  ready(): boolean;
  /** The /metrics page. */
  metrics(): Promise<{ contentType: string; text: string }>;
  logger: Logger;
}

/** The request target's path, or the sentence a 400 answers with. */
export function readTarget(raw: string | undefined): { path: string } | { refusal: string } {
  try {
    return { path: parseRequestTarget(raw).path };
  } catch (err) {
    if (err instanceof RequestTargetError) return { refusal: `bad request target: ${err.message}` };
    throw err;
  }
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, contentType: string, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.byteLength });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const plain = 'text/plain; charset=utf-8';

/** The agent's request listener. */
export function agentRequestListener(routes: AgentRoutes): http.RequestListener {
  return (req, res) => {
    void answer(routes, req, res).catch((err: unknown) => {
      routes.logger.error('HTTP request failed', { err });
      if (res.headersSent) return void res.end();
      send(req, res, 500, plain, 'the agent failed to answer; see its log\n');
    });
  };
}

async function answer(routes: AgentRoutes, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const target = readTarget(req.url);
  if ('refusal' in target) return send(req, res, 400, plain, `${target.refusal}\n`);
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (readOnly && target.path === '/healthz') return send(req, res, 200, plain, 'ok\n');
  if (readOnly && target.path === '/readyz') {
    const ready = routes.ready();
    return send(req, res, ready ? 200 : 503, plain, ready ? 'ready\n' : 'not ready\n');
  }
  if (readOnly && target.path === '/metrics') {
    const page = await routes.metrics();
    return send(req, res, 200, page.contentType, page.text);
  }
  send(req, res, 404, plain, `no such route; the agent serves /healthz, /readyz, /metrics and ${routes.connectPath}\n`);
}
