// The hub's sign-in endpoints over plain HTTP:
//   GET  /v1/auth/methods        → how people sign in here: { token: true, oidc: { issuer } | null } (clients choose what to offer)
//   GET  /v1/auth/oidc/start     → 302 to the identity provider, with a cookie binding the sign-in to this browser
//   GET  /v1/auth/oidc/callback  → the provider's redirect: a hub session (JSON) or a refusal saying why
//   POST /v1/auth/oidc/token    → a local client (VS Code) exchanges its one-time code and PKCE verifier for a session;
//                                  with grant_type=refresh_token, a session's refresh token for a new session
//   POST /v1/auth/signout        → revokes the bearer token (a session or a personal token), its refresh, and closes its connections
// Refusals are JSON `{ "error": "…" }` and leave no session behind.

import type { Express, Request, Response } from 'express';
import type { Logger } from '@classpod/observability';
import type { RequestTarget } from '@classpod/protocol';
import { SignInRefused } from '../auth/oidc-accounts';
import express from 'express';
import { localClientOf, SIGN_IN_COOKIE, type OidcSignIn } from '../auth/oidc-sign-in';
import { bearerOf, TokenRefused, type TokenService } from '../auth/tokens';
import type { Store } from '../store/store';
import { withoutHostPaths } from './client-text';

export interface AuthRouteDeps {
  oidc: OidcSignIn | undefined;
  tokens: TokenService;
  store: Store;
  logger: Logger;
  /** Whether cookies need `Secure` (the hub is reached over https). */
  secureCookies: boolean;
  /** Close the open connections that authenticated with this token. */
  closeConnectionsOf(tokenId: string): void;
}

/** One cookie of a request's `Cookie` header. */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function attachAuthRoutes(app: Express, d: AuthRouteDeps): void {
  const cookie = (value: string, maxAgeS: number): string =>
    `${SIGN_IN_COOKIE}=${value}; Path=/v1/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${d.secureCookies ? '; Secure' : ''}`;
  const refuse = (res: Response, err: unknown, what: string): void => {
    if (err instanceof SignInRefused) {
      res.status(err.status).json({ error: withoutHostPaths(err.message) });
      return;
    }
    d.logger.error(`${what} failed`, { err });
    res.status(500).json({ error: `${what} failed; see the hub log` });
  };
  const noOidc = (res: Response): void => {
    res.status(404).json({ error: 'this hub has no OpenID Connect sign-in configured; use a personal token' });
  };

  app.get('/v1/auth/methods', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token: true, oidc: d.oidc ? { issuer: d.oidc.issuer } : null });
  });

  app.get('/v1/auth/oidc/start', async (_req, res) => {
    if (!d.oidc) return noOidc(res);
    try {
      const { url, browserSecret } = await d.oidc.start(localClientOf((res.locals.target as RequestTarget).query, d.oidc.clientRedirects));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Set-Cookie', cookie(browserSecret, 3600));
      res.redirect(302, url);
    } catch (err) {
      refuse(res, err, 'starting the sign-in');
    }
  });

  app.get('/v1/auth/oidc/callback', async (req, res) => {
    if (!d.oidc) return noOidc(res);
    res.setHeader('Cache-Control', 'no-store');
    // The binding cookie is used once, whatever the outcome.
    res.setHeader('Set-Cookie', cookie('', 0));
    try {
      const outcome = await d.oidc.finish((res.locals.target as RequestTarget).query, cookieOf(req, SIGN_IN_COOKIE));
      if ('redirect' in outcome) res.redirect(302, outcome.redirect);
      else res.json(outcome);
    } catch (err) {
      refuse(res, err, 'the sign-in');
    }
  });

  app.post('/v1/auth/oidc/token', express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), async (req, res) => {
    if (!d.oidc) return noOidc(res);
    res.setHeader('Cache-Control', 'no-store');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (k: string): string | undefined => (typeof body[k] === 'string' ? body[k] : undefined);
    try {
      const grant = field('grant_type') ?? 'authorization_code';
      if (grant === 'refresh_token') res.json(await d.oidc.refresh(field('refresh_token')));
      else if (grant === 'authorization_code') res.json(await d.oidc.exchange(field('code'), field('code_verifier')));
      else throw new SignInRefused(400, `grant_type ${grant.slice(0, 40)} is not supported; use authorization_code or refresh_token`);
    } catch (err) {
      refuse(res, err, 'the code exchange');
    }
  });

  app.post('/v1/auth/signout', async (req, res) => {
    let principal;
    try {
      principal = await d.tokens.verify(bearerOf(req.headers, new URLSearchParams()), 'api');
    } catch (err) {
      if (err instanceof TokenRefused) {
        res.status(401).json({ error: 'a valid bearer token is required to sign out' });
        return;
      }
      d.logger.error('sign-out failed', { err });
      res.status(500).json({ error: 'sign-out failed; see the hub log' });
      return;
    }
    await d.store.tokens.revoke(principal.tokenId);
    await d.oidc?.signedOut(principal.tokenId);
    await d.store.audit.add({ actorId: principal.person!.id, action: 'auth.signout', target: principal.person!.id, detail: JSON.stringify({ tokenId: principal.tokenId }) });
    d.closeConnectionsOf(principal.tokenId);
    res.json({ revoked: principal.tokenId });
  });
}
