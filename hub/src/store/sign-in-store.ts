// The data of OpenID Connect sign-in: which person an identity (issuer +
// subject) is, and the sign-ins under way (their state, nonce and PKCE
// verifier, bound to the browser that started them). A sign-in under way is
// taken exactly once: `takeSignIn` deletes it by compare-and-set, so a replayed
// callback finds nothing, on SQLite and PostgreSQL alike and with several hubs.
// A session's refresh token is taken the same way: each is used once.

import type { SqlDriver } from './sql-driver';

/** A sign-in started at `/v1/auth/oidc/start` and not yet finished. */
export interface PendingSignIn {
  state: string;
  /** sha256 of the secret in the starting browser's cookie. */
  browserHash: string;
  nonce: string;
  codeVerifier: string;
  createdAt: string;
  expiresAt: string;
  /** A local client's loopback redirect (VS Code): the sign-in ends in a one-time code sent there, not in a session. */
  clientRedirect?: string;
  /** That client's PKCE challenge (S256) for the code. */
  clientChallenge?: string;
  /** That client's own state, sent back with the code. */
  clientState?: string;
}

/** A finished sign-in waiting for its local client to exchange the one-time code. */
export interface SignInHandoff {
  personId: string;
  clientChallenge: string;
  /** JSON: issuer and subject, for the audit log. */
  detail: string;
  expiresAt: string;
  /** The provider's refresh token from the sign-in, if it gave one. */
  providerRefresh?: string;
}

/** What renews a hub session from a sign-in: the provider's refresh token, until `expiresAt`. */
export interface SessionRefresh {
  /** The hub session (token id) this renews. */
  tokenId: string;
  personId: string;
  issuer: string;
  subject: string;
  /** The provider's refresh token: each renewal asks the provider whether the person may still sign in. */
  providerRefresh: string;
  /** When the sign-in can no longer be renewed (kept from the first sign-in on every renewal). */
  expiresAt: string;
}

/** An identity at an OpenID Provider, and the person it is. */
export interface Identity {
  issuer: string;
  subject: string;
  personId: string;
}

export class SignInStore {
  constructor(private readonly db: SqlDriver, private readonly now: () => Date) {}

  async addSignIn(s: Omit<PendingSignIn, 'createdAt'>): Promise<void> {
    await this.db.run(
      'INSERT INTO sign_ins (state, browser_hash, nonce, code_verifier, created_at, expires_at, client_redirect, client_challenge, client_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [s.state, s.browserHash, s.nonce, s.codeVerifier, this.now().toISOString(), s.expiresAt, s.clientRedirect, s.clientChallenge, s.clientState],
    );
  }

  /** The sign-in of this state, removed so that nobody can finish it again; undefined when unknown or already taken. */
  async takeSignIn(state: string): Promise<PendingSignIn | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await tx.get('SELECT * FROM sign_ins WHERE state = ?', [state]);
      if (!r) return undefined;
      if ((await tx.run('DELETE FROM sign_ins WHERE state = ?', [state])) !== 1) return undefined;
      return {
        state: String(r.state),
        browserHash: String(r.browser_hash),
        nonce: String(r.nonce),
        codeVerifier: String(r.code_verifier),
        createdAt: String(r.created_at),
        expiresAt: String(r.expires_at),
        ...(r.client_redirect ? { clientRedirect: String(r.client_redirect), clientChallenge: String(r.client_challenge), clientState: String(r.client_state ?? '') } : {}),
      };
    });
  }

  async addHandoff(codeHash: string, h: SignInHandoff): Promise<void> {
    await this.db.run('INSERT INTO sign_in_handoffs (code_hash, person_id, client_challenge, detail, created_at, expires_at, provider_refresh) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      codeHash,
      h.personId,
      h.clientChallenge,
      h.detail,
      this.now().toISOString(),
      h.expiresAt,
      h.providerRefresh,
    ]);
  }

  /** The handoff of this code, removed so that it is exchanged once; undefined when unknown or already taken. */
  async takeHandoff(codeHash: string): Promise<SignInHandoff | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await tx.get('SELECT * FROM sign_in_handoffs WHERE code_hash = ?', [codeHash]);
      if (!r) return undefined;
      if ((await tx.run('DELETE FROM sign_in_handoffs WHERE code_hash = ?', [codeHash])) !== 1) return undefined;
      return {
        personId: String(r.person_id),
        clientChallenge: String(r.client_challenge),
        detail: String(r.detail),
        expiresAt: String(r.expires_at),
        ...(r.provider_refresh ? { providerRefresh: String(r.provider_refresh) } : {}),
      };
    });
  }

  async addRefresh(refreshHash: string, r: SessionRefresh): Promise<void> {
    await this.db.run(
      'INSERT INTO session_refreshes (refresh_hash, token_id, person_id, issuer, subject, provider_refresh, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [refreshHash, r.tokenId, r.personId, r.issuer, r.subject, r.providerRefresh, this.now().toISOString(), r.expiresAt],
    );
  }

  /** The refresh of this hash, removed so that it is used once; undefined when unknown or already used. */
  async takeRefresh(refreshHash: string): Promise<SessionRefresh | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await tx.get('SELECT * FROM session_refreshes WHERE refresh_hash = ?', [refreshHash]);
      if (!r) return undefined;
      if ((await tx.run('DELETE FROM session_refreshes WHERE refresh_hash = ?', [refreshHash])) !== 1) return undefined;
      return {
        tokenId: String(r.token_id),
        personId: String(r.person_id),
        issuer: String(r.issuer),
        subject: String(r.subject),
        providerRefresh: String(r.provider_refresh),
        expiresAt: String(r.expires_at),
      };
    });
  }

  /** Remove the refreshes of a session (it was signed out); resolves to the provider refresh tokens they held. */
  async forgetRefreshesOf(tokenId: string): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ provider_refresh: string }>('SELECT provider_refresh FROM session_refreshes WHERE token_id = ?', [tokenId]);
      await tx.run('DELETE FROM session_refreshes WHERE token_id = ?', [tokenId]);
      return rows.map((r) => String(r.provider_refresh));
    });
  }

  /** Forget sign-ins that expired before now; resolves to how many. */
  async sweepSignIns(): Promise<number> {
    await this.db.run('DELETE FROM session_refreshes WHERE expires_at < ?', [this.now().toISOString()]);
    await this.db.run('DELETE FROM sign_in_handoffs WHERE expires_at < ?', [this.now().toISOString()]);
    return this.db.run('DELETE FROM sign_ins WHERE expires_at < ?', [this.now().toISOString()]);
  }

  async countSignIns(): Promise<number> {
    const r = await this.db.get<{ n: unknown }>('SELECT COUNT(*) AS n FROM sign_ins');
    return Number(r?.n ?? 0);
  }

  async personOf(issuer: string, subject: string): Promise<string | undefined> {
    const r = await this.db.get<{ person_id: string }>('SELECT person_id FROM identities WHERE issuer = ? AND subject = ?', [issuer, subject]);
    return r?.person_id;
  }

  /** Link an identity to a person (an operator's `people add --oidc-subject`, or a first sign-in). */
  async link(i: Identity): Promise<void> {
    await this.db.run('INSERT INTO identities (issuer, subject, person_id, created_at) VALUES (?, ?, ?, ?)', [i.issuer, i.subject, i.personId, this.now().toISOString()]);
  }

  async touch(issuer: string, subject: string): Promise<void> {
    await this.db.run('UPDATE identities SET last_sign_in_at = ? WHERE issuer = ? AND subject = ?', [this.now().toISOString(), issuer, subject]);
  }

  async identitiesOf(personId: string): Promise<Identity[]> {
    const rows = await this.db.all<{ issuer: string; subject: string }>('SELECT issuer, subject FROM identities WHERE person_id = ? ORDER BY issuer, subject', [personId]);
    return rows.map((r) => ({ issuer: r.issuer, subject: r.subject, personId }));
  }
}
