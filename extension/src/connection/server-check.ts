// Is this address a Classpod course server? Asked before the student is asked
// for a token, so a mistyped or unreachable address is named as such first:
// the hub answers `GET /healthz` with `{"status":"ok"}` without a token.

import * as http from 'node:http';
import * as https from 'node:https';
import { classifyConnectFailure, ConnectionError, parseServerUrl } from './connection-error';

/** The largest answer read (a health answer is a few bytes). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * GET `url` with Node's own client (fetch refuses ports it deems unsafe, which
 * a course server may use); rejects with the socket's error (its code tells
 * the problem) or a TimeoutError.
 */
function getText(url: URL, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).get(url, { headers: { accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    request.on('timeout', () => {
      const err = new Error(`no answer within ${timeoutMs} ms`);
      err.name = 'TimeoutError';
      request.destroy(err);
    });
    request.on('error', reject);
  });
}

/** How long the check waits for an answer. */
const CHECK_TIMEOUT_MS = 15_000;

/** Resolve with the parsed address when a Classpod hub answers there; reject with a ConnectionError that names the problem. */
export async function checkServer(serverText: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<URL> {
  const server = parseServerUrl(serverText);
  const health = new URL(server.href);
  health.pathname = `${server.pathname.replace(/\/+$/, '')}/healthz`;
  health.search = '';
  health.hash = '';
  let answer: { status: number; body: string };
  try {
    answer = await getText(health, timeoutMs);
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') {
      throw new ConnectionError('unreachable', `The course server at ${server.origin} does not answer (timed out). It may be down, or you are offline.`, 'timeout');
    }
    throw classifyConnectFailure(err, server);
  }
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) throw classifyConnectFailure(undefined, server, answer.status);
  let status: unknown;
  try {
    status = (JSON.parse(answer.body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (answer.status !== 200 || status !== 'ok') {
    throw new ConnectionError('not-classpod', `${server.origin} answers, but it is not a Classpod course server (HTTP ${answer.status}). Check the address your professor gave you.`, `HTTP ${answer.status}`);
  }
  return server;
}
