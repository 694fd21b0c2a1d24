// OpenID Connect sign-in at the hub: the authorization code flow with PKCE,
// state and nonce, through `openid-client` (no JWT is checked by hand here).
// `start` records a sign-in (state, nonce, PKCE verifier) bound to the browser
// by a cookie and answers the provider's authorization URL; `finish` takes that
// sign-in exactly once, lets openid-client exchange the code and check the ID
// token (issuer, audience, expiry by the hub's clock, nonce, signature against
// the provider's JWKS), maps the claims to a person and issues a hub session:
// a `hub` token like a personal one, so the rest of the API is unchanged.
// When the provider gives a refresh token (scope `offline_access`), the session
// comes with a one-time hub refresh token: `refresh` asks the provider again
// (its refresh grant), so a person the provider no longer vouches for cannot
// renew, and hands out a new session and refresh token in place of the old.
// A refresh token used a second time (stolen, or replayed) revokes every
// session of its family, the one sign-in they all descend from (OAuth 2.0
// Security BCP, refresh token rotation). The provider's refresh tokens are
// stored sealed (refresh-cipher.ts), bound to their row.

import { createHash, randomBytes } from 'node:crypto';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import type { Logger } from '@classpod/observability';
import type { SignInRepository, StoredProviderRefresh } from '../store/sign-in-repository';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { OidcAccounts, SignInRefused, type IdClaims } from './oidc-accounts';
import { isLoopbackUrl, OIDC_CALLBACK_PATH, type ResolvedOidcOptions } from './oidc-config';
import { RefreshCipher, SealedValueError } from './refresh-cipher';
import type { TokenService } from './tokens';

type Client = typeof OpenIdClient;
let loaded: Promise<Client> | undefined;
/** openid-client is an ES module; the hub loads it once, on first use. */
const openIdClient = (): Promise<Client> => (loaded ??= import('openid-client'));

/** The name of the cookie that binds a sign-in to the browser that started it. */
export const SIGN_IN_COOKIE = 'classpod_sign_in';

/** What a finished sign-in gives the client. */
export interface HubSession {
  token: string;
  tokenId: string;
  personId: string;
  name: string;
  email?: string;
  expiresAt: string;
  /** A one-time token that renews this session at `/v1/auth/oidc/token` (grant_type=refresh_token); absent when the provider gave no refresh token. */
  refreshToken?: string;
  /** Until when the session can be renewed. */
  refreshExpiresAt?: string;
}

/** Hub refresh tokens look like `cpr_<43 base64url characters>`: never accepted as a bearer token. */
const REFRESH_PATTERN = /^cpr_[A-Za-z0-9_-]{43}$/;

/** What a session from the provider can be renewed with. */
interface RenewalSource {
  issuer: string;
  subject: string;
  providerRefresh: string;
  /** Kept from the first sign-in (absent: from now). */
  expiresAt?: string;
  /** The family it renews (absent: a new sign-in starts one). */
  familyId?: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A local client (VS Code) that signs in through the browser and gets a one-time code on its loopback redirect. */
export interface LocalClient {
  /** `http://127.0.0.1:PORT/…` or `http://[::1]:PORT/…` (RFC 8252's loopback redirect). */
  redirect: string;
  /** base64url(sha256(verifier)) of the client's own PKCE verifier. */
  challenge: string;
  /** The client's state, sent back with the code. */
  state: string;
}

/** Sign-ins under way at most: `/start` needs no credentials, so what it stores is bounded. */
export const MAX_PENDING_SIGN_INS = 10_000;

/** How long a one-time code waits for its client (ms). */
const HANDOFF_MS = 2 * 60_000;

/**
 * A local client from the query of `/start` (`redirect_uri`, `code_challenge`,
 * `state`), undefined without one; throws SignInRefused when malformed. The
 * redirect is a loopback address (the code stays on this machine) or starts
 * with one of `allowed` (the operator's list: VS Code's URI scheme, their own
 * code-server), never another address, which would hand the code to whoever
 * wrote the link.
 */
export function localClientOf(query: URLSearchParams, allowed: readonly string[] = []): LocalClient | undefined {
  const redirect = query.get('redirect_uri');
  if (redirect === null) return undefined;
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    throw new SignInRefused(400, 'redirect_uri is not a URL');
  }
  const loopback = url.protocol === 'http:' && ['127.0.0.1', '[::1]'].includes(url.hostname);
  const listed = allowed.some((prefix) => url.href.startsWith(prefix));
  if ((!loopback && !listed) || url.username || url.password || url.hash) {
    throw new SignInRefused(400, 'redirect_uri must be a loopback address of this machine (http://127.0.0.1:PORT/… or http://[::1]:PORT/…) or one the hub lists (oidc.clientRedirects)');
  }
  const challenge = query.get('code_challenge') ?? '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge) || (query.get('code_challenge_method') ?? 'S256') !== 'S256') {
    throw new SignInRefused(400, 'a local client needs code_challenge (S256 of its own verifier, 43 base64url characters)');
  }
  const state = query.get('state') ?? '';
  if (state.length > 200 || !/^[\x21-\x7e]*$/.test(state)) throw new SignInRefused(400, 'state must be at most 200 printable characters');
  return { redirect: url.href, challenge, state };
}

/** A person-readable reason for what openid-client refused: its message and those of its causes, with the claim or attribute they name. */
function describe(err: unknown): string {
  const e = err as { error?: unknown; error_description?: unknown };
  if (typeof e.error === 'string') return `the identity provider answered ${e.error}${typeof e.error_description === 'string' ? `: ${e.error_description}` : ''}`;
  const parts: string[] = [];
  for (let c: unknown = err, depth = 0; c instanceof Error && depth < 5; c = (c as Error).cause, depth++) {
    const x = c as Error & { claim?: unknown; attribute?: unknown; cause?: unknown };
    const named = (x.cause as { claim?: unknown; attribute?: unknown } | undefined) ?? {};
    const what = typeof named.claim === 'string' ? ` (claim "${named.claim}")` : typeof named.attribute === 'string' ? ` (attribute "${named.attribute}")` : '';
    if (!parts.includes(x.message + what)) parts.push(x.message + what);
  }
  return parts.join(': ') || String(err);
}

export class OidcSignIn {
  private server: { metadata: OpenIdClient.ServerMetadata; at: number } | undefined;
  readonly accounts: OidcAccounts;

  constructor(
    private readonly options: ResolvedOidcOptions,
    private readonly store: Store,
    private readonly signIns: SignInRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The hub's public URL (the default redirect URL is its callback). */
    private readonly publicUrl: () => string,
    /** Seals the provider's refresh tokens at rest. */
    private readonly cipher: RefreshCipher,
  ) {
    this.accounts = new OidcAccounts(store, signIns, options, logger);
  }

  /** The configured issuer. */
  get issuer(): string {
    return this.options.issuer;
  }

  /** Where a local client's sign-in may end besides loopback (oidc.clientRedirects). */
  get clientRedirects(): readonly string[] {
    return this.options.clientRedirects;
  }

  /** Where the provider sends the browser back to. */
  redirectUrl(): string {
    return this.options.redirectUrl ?? new URL(OIDC_CALLBACK_PATH, this.publicUrl()).href;
  }

  /** The provider's metadata (its discovery document, checked to name the configured issuer), kept for ten minutes. */
  private async configuration(): Promise<OpenIdClient.Configuration> {
    const oidc = await openIdClient();
    const insecure = new URL(this.options.issuer).protocol === 'http:' && isLoopbackUrl(new URL(this.options.issuer));
    const auth = oidc.ClientSecretPost(this.options.clientSecret);
    // The hub's clock decides whether an ID token has expired, like every other time that matters.
    const skew = Math.round((this.clock.now().getTime() - Date.now()) / 1000);
    const metadata = { client_secret: this.options.clientSecret, [oidc.clockSkew]: skew };
    if (!this.server || Date.now() - this.server.at > 10 * 60_000) {
      let discovered;
      try {
        discovered = await oidc.discovery(new URL(this.options.issuer), this.options.clientId, metadata, auth, {
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: 15,
        });
      } catch (err) {
        this.logger.warn('OpenID discovery failed', { err, issuer: this.options.issuer });
        throw new SignInRefused(502, `the identity provider's discovery document at ${this.options.issuer} was refused: ${describe(err)}`);
      }
      this.server = { metadata: discovered.serverMetadata(), at: Date.now() };
    }
    // A new configuration per sign-in: the provider's keys (JWKS) are read afresh, so a key rotation is followed.
    const config = new oidc.Configuration(this.server.metadata, this.options.clientId, metadata, auth);
    if (insecure) oidc.allowInsecureRequests(config);
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /** Begin a sign-in: the URL to send the browser to, and the cookie secret that binds it to that browser. */
  async start(client?: LocalClient): Promise<{ url: string; browserSecret: string }> {
    const oidc = await openIdClient();
    const config = await this.configuration();
    await this.signIns.sweepSignIns();
    if ((await this.signIns.countSignIns()) >= MAX_PENDING_SIGN_INS) throw new SignInRefused(503, 'too many sign-ins are under way; try again in a few minutes');
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const browserSecret = randomBytes(32).toString('base64url');
    await this.signIns.addSignIn({
      state,
      nonce,
      codeVerifier,
      browserHash: sha256(browserSecret),
      expiresAt: new Date(this.clock.now().getTime() + this.options.signInMs).toISOString(),
      ...(client ? { clientRedirect: client.redirect, clientChallenge: client.challenge, clientState: client.state } : {}),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUrl(),
      response_type: 'code',
      scope: this.options.scopes,
      // Providers issue a refresh token for offline_access only after consent (OpenID Connect Core 11).
      ...(this.options.scopes.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, browserSecret };
  }

  /**
   * Finish a sign-in from the provider's redirect (its query) and the browser's
   * cookie secret: a hub session, or for a local client the URL that hands it a
   * one-time code. Throws SignInRefused.
   */
  async finish(query: URLSearchParams, browserSecret: string | undefined): Promise<HubSession | { redirect: string }> {
    const state = query.get('state');
    if (!state) throw new SignInRefused(400, 'the sign-in callback has no state; sign in again');
    const pending = await this.signIns.takeSignIn(state);
    if (!pending) throw new SignInRefused(400, 'this sign-in is unknown or was already finished (a callback is accepted once); sign in again');
    if (!browserSecret || sha256(browserSecret) !== pending.browserHash) {
      throw new SignInRefused(400, 'this sign-in was started in another browser; sign in again from this browser');
    }
    if (Date.parse(pending.expiresAt) < this.clock.now().getTime()) throw new SignInRefused(400, 'this sign-in took too long; sign in again');
    const oidc = await openIdClient();
    const config = await this.configuration();
    // The URL the provider redirected to, as registered: the hub's own address may differ behind a proxy.
    const current = new URL(this.redirectUrl());
    current.search = query.toString();
    let claims: IdClaims;
    let providerRefresh: string | undefined;
    try {
      const answer = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = await this.claimsOf(config, answer);
      providerRefresh = answer.refresh_token;
    } catch (err) {
      this.logger.info('sign-in refused by the OpenID checks', { reason: describe(err) });
      throw new SignInRefused(400, `sign-in refused: ${describe(err)}`);
    }
    const person = await this.accounts.personFor(claims);
    const detail = { method: 'oidc', issuer: claims.iss, subject: claims.sub };
    if (pending.clientRedirect) {
      const code = randomBytes(32).toString('base64url');
      const codeHash = sha256(code);
      await this.signIns.addHandoff(codeHash, {
        personId: person.id,
        clientChallenge: pending.clientChallenge!,
        detail: JSON.stringify(detail),
        expiresAt: new Date(this.clock.now().getTime() + HANDOFF_MS).toISOString(),
        ...(providerRefresh ? { providerRefresh: this.cipher.seal(providerRefresh, codeHash) } : {}),
      });
      const back = new URL(pending.clientRedirect);
      back.searchParams.set('code', code);
      back.searchParams.set('state', pending.clientState ?? '');
      return { redirect: back.href };
    }
    return this.session(person, detail, providerRefresh ? { issuer: claims.iss, subject: claims.sub, providerRefresh } : undefined);
  }

  /** The checked claims of a token answer, with the provider's userinfo when the ID token lacks the role claim. */
  private async claimsOf(config: OpenIdClient.Configuration, answer: OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers): Promise<IdClaims> {
    const oidc = await openIdClient();
    let claims = answer.claims() as unknown as IdClaims;
    if (!Object.hasOwn(claims, this.options.roleClaim) && config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, answer.access_token, claims.sub);
      claims = { ...info, ...claims } as IdClaims;
    }
    return claims;
  }

  /** A local client's exchange of its one-time code and PKCE verifier for a hub session; throws SignInRefused. */
  async exchange(code: string | undefined, verifier: string | undefined): Promise<HubSession> {
    if (!code || !verifier) throw new SignInRefused(400, 'the exchange needs code and code_verifier');
    const codeHash = sha256(code);
    const handoff = await this.signIns.takeHandoff(codeHash);
    if (!handoff) throw new SignInRefused(400, 'this code is unknown or was already exchanged (a code is exchanged once); sign in again');
    if (Date.parse(handoff.expiresAt) < this.clock.now().getTime()) throw new SignInRefused(400, 'this code expired; sign in again');
    if (createHash('sha256').update(verifier).digest('base64url') !== handoff.clientChallenge) {
      throw new SignInRefused(400, 'code_verifier does not match the code_challenge this sign-in started with; sign in again');
    }
    const person = await this.store.people.get(handoff.personId);
    if (!person) throw new SignInRefused(400, 'the person of this sign-in no longer exists');
    const detail = JSON.parse(handoff.detail) as Record<string, unknown>;
    const renewal = handoff.providerRefresh
      ? { issuer: String(detail.issuer), subject: String(detail.subject), providerRefresh: this.openSealed(handoff.providerRefresh, codeHash) }
      : undefined;
    return this.session(person, detail, renewal);
  }

  /**
   * Renew a session with its one-time refresh token: the provider is asked
   * again (its refresh grant), the person's roles follow its answer, and a new
   * session and refresh token replace the old (the old session is revoked).
   * Throws SignInRefused saying why: unknown or used token, past the renewal
   * limit, or the provider refused (the person was signed out or disabled there).
   */
  async refresh(refreshToken: string | undefined): Promise<HubSession> {
    if (!refreshToken || !REFRESH_PATTERN.test(refreshToken)) throw new SignInRefused(400, 'refresh_token is missing or is not a Classpod refresh token');
    const refreshHash = sha256(refreshToken);
    const spent = await this.signIns.spendRefresh(refreshHash);
    if (!spent) throw new SignInRefused(400, 'this refresh token is unknown or was already used (a refresh token renews once); sign in again');
    if ('reused' in spent) {
      await this.revokeFamily(spent.reused.familyId, spent.reused.personId, 'a refresh token was used a second time');
      throw new SignInRefused(400, 'this refresh token was already used: every session of this sign-in is ended, as it may have been stolen; sign in again');
    }
    const r = spent.fresh;
    if (Date.parse(r.expiresAt) <= this.clock.now().getTime()) {
      throw new SignInRefused(400, `this sign-in could be renewed until ${r.expiresAt} and has expired; sign in again`);
    }
    const oidc = await openIdClient();
    const config = await this.configuration();
    let providerRefresh: string;
    try {
      providerRefresh = this.openSealed(r.providerRefresh, refreshHash);
    } catch (err) {
      await this.store.tokens.revoke(r.tokenId);
      throw err;
    }
    let claims: IdClaims | undefined;
    let answer;
    try {
      answer = await oidc.refreshTokenGrant(config, providerRefresh);
      claims = answer.id_token ? await this.claimsOf(config, answer) : undefined;
    } catch (err) {
      // The provider no longer vouches for this sign-in: its session ends here too.
      await this.store.tokens.revoke(r.tokenId);
      await this.store.audit.add({ actorId: r.personId, action: 'auth.refresh.refused', target: r.personId, detail: JSON.stringify({ tokenId: r.tokenId, reason: describe(err) }) });
      this.logger.info('session renewal refused by the identity provider', { personId: r.personId, reason: describe(err) });
      throw new SignInRefused(401, `the identity provider no longer renews this sign-in (${describe(err)}); sign in again`);
    }
    if (claims && (claims.iss !== r.issuer || claims.sub !== r.subject)) {
      await this.store.tokens.revoke(r.tokenId);
      throw new SignInRefused(401, 'the identity provider renewed the sign-in for another account; sign in again');
    }
    const person = claims ? await this.accounts.personFor(claims) : await this.store.people.get(r.personId);
    if (!person || person.id !== r.personId) throw new SignInRefused(401, 'the person of this sign-in no longer exists; sign in again');
    await this.store.tokens.revoke(r.tokenId);
    const renewed = await this.session(person, { method: 'oidc', issuer: r.issuer, subject: r.subject, renews: r.tokenId }, {
      issuer: r.issuer,
      subject: r.subject,
      providerRefresh: answer.refresh_token ?? providerRefresh,
      expiresAt: r.expiresAt,
      familyId: r.familyId,
    }, 'auth.refresh');
    // A reuse of this refresh token while the provider answered revoked the family: the new session goes with it.
    if (!(await this.signIns.refreshRecorded(refreshHash))) {
      await this.revokeFamily(r.familyId, r.personId, 'a refresh token was used a second time while it renewed');
      await this.store.tokens.revoke(renewed.tokenId);
      throw new SignInRefused(400, 'this refresh token was already used: every session of this sign-in is ended, as it may have been stolen; sign in again');
    }
    return renewed;
  }

  /** A sealed provider refresh token, opened; one that does not open is a refusal (the key is gone, or the row was altered). */
  private openSealed(sealed: string, associated: string): string {
    try {
      // Rows from before sealing are plain until the start-up re-seal reaches them.
      return RefreshCipher.isSealed(sealed) ? this.cipher.open(sealed, associated) : sealed;
    } catch (err) {
      if (!(err instanceof SealedValueError)) throw err;
      this.logger.warn('a stored provider refresh token does not open', { reason: err.message });
      throw new SignInRefused(401, 'this sign-in can no longer be renewed (its stored refresh token does not open with the hub\'s refresh keys); sign in again');
    }
  }

  /** End every session of a refresh family, forget it, and ask the provider to revoke its refresh tokens. */
  private async revokeFamily(familyId: string, personId: string, reason: string): Promise<void> {
    const { tokenIds, providerRefreshes } = await this.signIns.forgetFamily(familyId);
    for (const id of tokenIds) await this.store.tokens.revoke(id);
    await this.store.audit.add({ actorId: personId, action: 'auth.refresh.reuse', target: personId, detail: JSON.stringify({ reason, revokedTokens: tokenIds }) });
    this.logger.warn('refresh token reuse: the sign-in\'s sessions are revoked', { personId, sessions: tokenIds.length });
    await this.revokeAtProvider(providerRefreshes);
  }

  /**
   * Re-seal every stored provider refresh token under the key that seals now
   * (after a key rotation, or rows from before sealing); resolves to how many
   * were re-sealed. One that no longer opens is left as it is (its renewal is refused).
   */
  async resealStoredRefreshes(): Promise<number> {
    let n = 0;
    for (const stored of await this.signIns.storedProviderRefreshes()) {
      if (this.cipher.isCurrent(stored.providerRefresh)) continue;
      let plain;
      try {
        plain = RefreshCipher.isSealed(stored.providerRefresh) ? this.cipher.open(stored.providerRefresh, stored.key) : stored.providerRefresh;
      } catch (err) {
        this.logger.warn('a stored provider refresh token does not open and was not re-sealed', { reason: (err as Error).message });
        continue;
      }
      await this.signIns.resealProviderRefresh(stored, this.cipher.seal(plain, stored.key));
      n++;
    }
    if (n > 0) this.logger.info('provider refresh tokens re-sealed under the current key', { count: n, keyId: this.cipher.currentKeyId });
    return n;
  }

  /** After a session was signed out: forget how it renews, and ask the provider to revoke its refresh token (best effort). */
  async signedOut(tokenId: string): Promise<void> {
    await this.revokeAtProvider(await this.signIns.forgetRefreshesOf(tokenId));
  }

  private async revokeAtProvider(stored: StoredProviderRefresh[]): Promise<void> {
    if (stored.length === 0) return;
    try {
      const oidc = await openIdClient();
      const config = await this.configuration();
      if (!config.serverMetadata().revocation_endpoint) return;
      for (const t of stored) await oidc.tokenRevocation(config, this.openSealed(t.providerRefresh, t.key), { token_type_hint: 'refresh_token' });
    } catch (err) {
      this.logger.warn('the identity provider did not revoke a refresh token at sign-out', { reason: describe(err) });
    }
  }

  private async session(
    person: { id: string; name: string; email?: string },
    detail: Record<string, unknown>,
    renewal?: RenewalSource,
    action: 'auth.signin' | 'auth.refresh' = 'auth.signin',
  ): Promise<HubSession> {
    const now = this.clock.now().getTime();
    const expiresAt = new Date(now + this.options.sessionMs);
    const { token, record } = await this.tokens.issue({ personId: person.id, scopes: ['hub'], label: 'oidc sign-in', expiresAt });
    let refresh: { refreshToken: string; refreshExpiresAt: string } | undefined;
    if (renewal) {
      const refreshToken = `cpr_${randomBytes(32).toString('base64url')}`;
      const refreshExpiresAt = renewal.expiresAt ?? new Date(now + this.options.refreshMs).toISOString();
      const refreshHash = sha256(refreshToken);
      await this.signIns.addRefresh(refreshHash, {
        tokenId: record.id,
        personId: person.id,
        issuer: renewal.issuer,
        subject: renewal.subject,
        providerRefresh: this.cipher.seal(renewal.providerRefresh, refreshHash),
        familyId: renewal.familyId ?? refreshHash,
        expiresAt: refreshExpiresAt,
      });
      refresh = { refreshToken, refreshExpiresAt };
    }
    await this.store.audit.add({
      actorId: person.id,
      action,
      target: person.id,
      detail: JSON.stringify({ ...detail, tokenId: record.id }),
    });
    this.logger.info(action === 'auth.refresh' ? 'session renewed' : 'signed in', { personId: person.id, tokenId: record.id });
    return {
      token,
      tokenId: record.id,
      personId: person.id,
      name: person.name,
      ...(person.email ? { email: person.email } : {}),
      expiresAt: expiresAt.toISOString(),
      ...(refresh ?? {}),
    };
  }
}
