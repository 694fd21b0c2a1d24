// Why a connection to the course server failed, in words a student can act
// on: the address is wrong, the token was refused, or the server is down.
// Every failure of opening a connection is mapped here once.

import { ErrorCode, ProtocolError } from '@classpod/protocol';

/** What went wrong, coarsely; decides the message and whether a retry can help. */
export type ConnectionProblem =
  /** The address is not a URL, or its host name does not exist. */
  | 'bad-url'
  /** Something answers there, but it is not a Classpod course server. */
  | 'not-classpod'
  /** The server refused the token (unknown, revoked or expired). */
  | 'unauthorized'
  /** The token is valid but may not do this. */
  | 'forbidden'
  /** Nothing answers: the server is down, or the network is. */
  | 'unreachable'
  /** The server answers but is not ready (starting, overloaded, workspace starting). */
  | 'unavailable'
  /** The server speaks an incompatible protocol version. */
  | 'version'
  /** The workspace was stopped because nobody worked in it; the next thing the student does resumes it. */
  | 'paused';

/** A failure to connect, with a message that says which problem it is. */
export class ConnectionError extends Error {
  constructor(
    readonly problem: ConnectionProblem,
    message: string,
    /** Low-level detail for the log (error code, HTTP status). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }

  /** True when trying again later may succeed without the student changing anything. */
  get retryable(): boolean {
    return this.problem === 'unreachable' || this.problem === 'unavailable';
  }
}

/** Parse what the student typed as a course server address; http(s) only, no path needed. */
export function parseServerUrl(text: string): URL {
  const trimmed = text.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConnectionError('bad-url', `"${trimmed}" is not a web address. Enter the course server's address, e.g. https://classpod.example.edu.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectionError('bad-url', `"${trimmed}" is not an http:// or https:// address. Enter the course server's address, e.g. https://classpod.example.edu.`);
  }
  return url;
}

/** The WebSocket URL of `path` on a course server given by its http(s) address. */
export function webSocketUrl(server: URL, path: string): string {
  const ws = new URL(server.href);
  ws.protocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.pathname = server.pathname.replace(/\/+$/, '') + path;
  ws.search = '';
  ws.hash = '';
  return ws.href;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const unknownHostCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** Map a failure of opening a connection to `server` into a ConnectionError. */
export function classifyConnectFailure(err: unknown, server: URL, httpStatus?: number): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const where = server.origin;
  if (httpStatus !== undefined) {
    if (httpStatus === 401) {
      return new ConnectionError('unauthorized', `The course server at ${where} refused your token: it is unknown, mistyped or was revoked. Ask your professor for a new one and sign in again.`, `HTTP ${httpStatus}`);
    }
    if (httpStatus === 403) {
      return new ConnectionError('forbidden', `The course server at ${where} accepted your token but does not allow this connection.`, `HTTP ${httpStatus}`);
    }
    if (httpStatus === 502 || httpStatus === 503 || httpStatus === 504) {
      return new ConnectionError('unavailable', `The course server at ${where} is not ready (HTTP ${httpStatus}). Try again in a moment.`, `HTTP ${httpStatus}`);
    }
    return new ConnectionError('not-classpod', `${where} answers, but it is not a Classpod course server (HTTP ${httpStatus}). Check the address your professor gave you.`, `HTTP ${httpStatus}`);
  }
  if (err instanceof ProtocolError) {
    switch (err.code) {
      case ErrorCode.Unauthorized:
        return new ConnectionError('unauthorized', `The course server at ${where} refused your token: ${err.message}. Ask your professor for a new one and sign in again.`, 'Unauthorized');
      case ErrorCode.Forbidden:
        return new ConnectionError('forbidden', `The course server at ${where} does not allow this: ${err.message}`, 'Forbidden');
      case ErrorCode.VersionMismatch:
        return new ConnectionError('version', `This version of the Classpod extension cannot talk to the course server at ${where}: ${err.message}. Update the extension.`, 'VersionMismatch');
      case ErrorCode.Unavailable:
      case ErrorCode.Cancelled:
        return new ConnectionError('unavailable', `The course server at ${where} did not answer in time: ${err.message}. Try again in a moment.`, err.message);
      default:
        return new ConnectionError('not-classpod', `${where} did not answer like a Classpod course server: ${err.message}`, err.message);
    }
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && unknownHostCodes.has(code)) {
    return new ConnectionError('bad-url', `There is no server named "${server.hostname}". Check the course server's address.`, code);
  }
  if (typeof code === 'string' && unreachableCodes.has(code)) {
    return new ConnectionError('unreachable', `The course server at ${where} does not answer (${code}). It may be down, or you are offline. Try again later.`, code);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/timed? ?out/i.test(message)) {
    return new ConnectionError('unreachable', `The course server at ${where} does not answer (timed out). It may be down, or you are offline.`, message);
  }
  return new ConnectionError('not-classpod', `Could not connect to ${where}: ${message}`, message);
}
