// The hub's sign-in endpoints as the extension speaks them: which sign-ins a
// hub offers, the browser sign-in's start address, the exchange of its
// one-time code, the renewal of a session, and sign-out. The hub's refusals
// (`{ "error": "…" }`) become SignInError with its words; a network failure is
// a retryable one.

import type { BrowserSession } from './stored-credentials';

/** A sign-in step that failed; `retryable` when the network or the hub's state, not the request, was the problem. */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The HTTP status, when the hub answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** What `GET /v1/auth/methods` answers. */
export interface SignInMethods {
  token: boolean;
  oidc: { issuer: string } | null;
}

/** A hub session from a browser sign-in or a renewal. */
export interface HubSession extends BrowserSession {
  tokenId: string;
  personId: string;
  name: string;
  email?: string;
}

const TIMEOUT_MS = 30_000;

async function call(server: URL, path: string, init: { method?: string; body?: URLSearchParams; bearer?: string } = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, server), {
      method: init.method ?? 'GET',
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { accept: 'application/json', ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}) },
      ...(init.body ? { body: init.body } : {}),
    });
  } catch (err) {
    throw new SignInError(`The course server at ${server.origin} cannot be reached (${(err as Error).message}).`, true);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new SignInError(`${server.origin} answered ${res.status} without the answer of a Classpod course server.`, res.status >= 500, res.status);
  }
  if (!res.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new SignInError(typeof error === 'string' ? error : `${server.origin} answered ${res.status}.`, res.status >= 500, res.status);
  }
  return body;
}

function sessionOf(v: unknown, server: URL): HubSession {
  const s = v as Partial<HubSession> | null;
  if (!s || typeof s.token !== 'string' || typeof s.expiresAt !== 'string' || typeof s.personId !== 'string' || typeof s.name !== 'string' || typeof s.tokenId !== 'string') {
    throw new SignInError(`${server.origin} answered the sign-in without a session.`, false);
  }
  return s as HubSession;
}

/** Which sign-ins the hub offers; a hub too old to say offers personal tokens only. */
export async function signInMethods(server: URL): Promise<SignInMethods> {
  try {
    const m = (await call(server, '/v1/auth/methods')) as Partial<SignInMethods> | null;
    return { token: true, oidc: m?.oidc && typeof m.oidc.issuer === 'string' ? { issuer: m.oidc.issuer } : null };
  } catch (err) {
    if (err instanceof SignInError && err.status === 404) return { token: true, oidc: null };
    throw err;
  }
}

/** Where the browser starts a sign-in that ends at `redirect` with a one-time code. */
export function browserSignInUrl(server: URL, o: { redirect: string; challenge: string; state: string }): string {
  const url = new URL('/v1/auth/oidc/start', server);
  url.search = new URLSearchParams({ redirect_uri: o.redirect, code_challenge: o.challenge, code_challenge_method: 'S256', state: o.state }).toString();
  return url.href;
}

/** Exchange the one-time code and this client's PKCE verifier for a session. */
export async function exchangeCode(server: URL, code: string, verifier: string): Promise<HubSession> {
  return sessionOf(await call(server, '/v1/auth/oidc/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier }) }), server);
}

/** Renew a session with its one-time refresh token: a new session and refresh token. */
export async function renewSession(server: URL, refreshToken: string): Promise<HubSession> {
  return sessionOf(await call(server, '/v1/auth/oidc/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) }), server);
}

/** Revoke a session at the hub (and with it its renewal). */
export async function revokeAtHub(server: URL, token: string): Promise<void> {
  await call(server, '/v1/auth/signout', { method: 'POST', bearer: token });
}
