// Is this address a Classpod course server? Asked before the student is asked
// for a token, so a mistyped or unreachable address is named as such first:
// the hub answers `GET /healthz` with `{"status":"ok"}` without a token.

import { classifyConnectFailure, ConnectionError, parseServerUrl } from './connection-error';

/** How long the check waits for an answer. */
const CHECK_TIMEOUT_MS = 15_000;

/** Resolve with the parsed address when a Classpod hub answers there; reject with a ConnectionError that names the problem. */
export async function checkServer(serverText: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<URL> {
  const server = parseServerUrl(serverText);
  const health = new URL(server.href);
  health.pathname = `${server.pathname.replace(/\/+$/, '')}/healthz`;
  health.search = '';
  health.hash = '';
  let response: Response;
  try {
    response = await fetch(health, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow', headers: { accept: 'application/json' } });
  } catch (err) {
    const e = err as Error & { cause?: unknown };
    if (e.name === 'TimeoutError') throw new ConnectionError('unreachable', `The course server at ${server.origin} does not answer (timed out). It may be down, or you are offline.`, 'timeout');
    throw classifyConnectFailure(e.cause ?? e, server);
  }
  const body = await response.text().catch(() => '');
  if (response.status === 502 || response.status === 503 || response.status === 504) throw classifyConnectFailure(undefined, server, response.status);
  let status: unknown;
  try {
    status = (JSON.parse(body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (!response.ok || status !== 'ok') {
    throw new ConnectionError('not-classpod', `${server.origin} answers, but it is not a Classpod course server (HTTP ${response.status}). Check the address your professor gave you.`, `HTTP ${response.status}`);
  }
  return server;
}
