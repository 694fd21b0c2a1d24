// The data of OpenID Connect sign-in: which person an identity (issuer +
// subject) is, and the sign-ins under way (their state, nonce and PKCE
// verifier, bound to the browser that started them). A sign-in under way is
// taken exactly once: `takeSignIn` deletes it by compare-and-set, so a replayed
// callback finds nothing, on SQLite and PostgreSQL alike and with several hubs.
// A session's refresh token is spent the same way (compare-and-set on its
// `used_at`), each once; the spent row is kept with its family (the sign-in
// every renewal descends from) so that a second use is recognised as reuse
// and the whole family can be revoked (OAuth 2.0 Security BCP, refresh token
// rotation). The provider's refresh tokens are stored sealed (the caller
// seals them, auth/refresh-cipher.ts).

import { sql, type Selectable } from 'kysely';
import { Repository } from './repository';
import { nul } from './rows';
import type { Tables } from './tables';

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
  /** The provider's refresh token (sealed): each renewal asks the provider whether the person may still sign in. */
  providerRefresh: string;
  /** When the sign-in can no longer be renewed (kept from the first sign-in on every renewal). */
  expiresAt: string;
  /** The sign-in it descends from (the hash of the first refresh token of the family). */
  familyId: string;
}

/** What spending a refresh token found: the refresh, a refresh spent before (reuse), or nothing. */
export type SpentRefresh = { fresh: SessionRefresh } | { reused: { familyId: string; tokenId: string; personId: string } } | undefined;

/** A stored provider refresh token (sealed) and the key of its row. */
export interface StoredProviderRefresh {
  table: 'session_refreshes' | 'sign_in_handoffs';
  key: string;
  providerRefresh: string;
}

/** An identity at an OpenID Provider, and the person it is. */
export interface Identity {
  issuer: string;
  subject: string;
  personId: string;
}

/** The tables whose rows are taken once, each by its key. */
interface TakenOnce {
  sign_ins: 'state';
  sign_in_handoffs: 'code_hash';
}

export class SignInRepository extends Repository {
  /**
   * The row whose key is `key`, deleted in the same transaction by compare-and-set:
   * of callers racing for it, one gets it and the others undefined.
   */
  private takeOnce<T extends keyof TakenOnce>(table: T, column: TakenOnce[T], key: string): Promise<Selectable<Tables[T]> | undefined> {
    return this.inTransaction(async ({ db }) => {
      const row = (await sql<Selectable<Tables[T]>>`SELECT * FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${key}`.execute(db)).rows[0];
      if (!row) return undefined;
      const deleted = await sql`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${key}`.execute(db);
      return Number(deleted.numAffectedRows) === 1 ? row : undefined;
    });
  }

  async addSignIn(s: Omit<PendingSignIn, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('sign_ins')
      .values({
        state: s.state,
        browser_hash: s.browserHash,
        nonce: s.nonce,
        code_verifier: s.codeVerifier,
        created_at: this.iso(),
        expires_at: s.expiresAt,
        client_redirect: nul(s.clientRedirect),
        client_challenge: nul(s.clientChallenge),
        client_state: nul(s.clientState),
      })
      .execute();
  }

  /** The sign-in of this state, removed so that nobody can finish it again; undefined when unknown or already taken. */
  async takeSignIn(state: string): Promise<PendingSignIn | undefined> {
    const r = await this.takeOnce('sign_ins', 'state', state);
    if (!r) return undefined;
    return {
      state: r.state,
      browserHash: r.browser_hash,
      nonce: r.nonce,
      codeVerifier: r.code_verifier,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      ...(r.client_redirect ? { clientRedirect: r.client_redirect, clientChallenge: String(r.client_challenge), clientState: r.client_state ?? '' } : {}),
    };
  }

  async addHandoff(codeHash: string, h: SignInHandoff): Promise<void> {
    await this.db
      .insertInto('sign_in_handoffs')
      .values({
        code_hash: codeHash,
        person_id: h.personId,
        client_challenge: h.clientChallenge,
        detail: h.detail,
        created_at: this.iso(),
        expires_at: h.expiresAt,
        provider_refresh: nul(h.providerRefresh),
      })
      .execute();
  }

  /** The handoff of this code, removed so that it is exchanged once; undefined when unknown or already taken. */
  async takeHandoff(codeHash: string): Promise<SignInHandoff | undefined> {
    const r = await this.takeOnce('sign_in_handoffs', 'code_hash', codeHash);
    if (!r) return undefined;
    return {
      personId: r.person_id,
      clientChallenge: r.client_challenge,
      detail: r.detail,
      expiresAt: r.expires_at,
      ...(r.provider_refresh ? { providerRefresh: r.provider_refresh } : {}),
    };
  }

  async addRefresh(refreshHash: string, r: SessionRefresh): Promise<void> {
    await this.db
      .insertInto('session_refreshes')
      .values({
        refresh_hash: refreshHash,
        token_id: r.tokenId,
        person_id: r.personId,
        issuer: r.issuer,
        subject: r.subject,
        provider_refresh: r.providerRefresh,
        created_at: this.iso(),
        expires_at: r.expiresAt,
        family_id: r.familyId,
        used_at: null,
      })
      .execute();
  }

  /**
   * Spend the refresh of this hash: of callers racing for it one gets it
   * (`fresh`), and anyone after finds it spent (`reused`, with its family);
   * undefined when unknown (never issued, expired and swept, or its family revoked).
   * The spent row keeps no provider token.
   */
  async spendRefresh(refreshHash: string): Promise<SpentRefresh> {
    return this.inTransaction(async ({ db }) => {
      const r = await db.selectFrom('session_refreshes').selectAll().where('refresh_hash', '=', refreshHash).executeTakeFirst();
      if (!r) return undefined;
      const familyId = r.family_id ?? r.refresh_hash;
      if (r.used_at === null) {
        const spent = await db
          .updateTable('session_refreshes')
          .set({ used_at: this.iso(), provider_refresh: '' })
          .where('refresh_hash', '=', refreshHash)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (Number(spent.numUpdatedRows) === 1) {
          return { fresh: { tokenId: r.token_id, personId: r.person_id, issuer: r.issuer, subject: r.subject, providerRefresh: r.provider_refresh, expiresAt: r.expires_at, familyId } };
        }
      }
      return { reused: { familyId, tokenId: r.token_id, personId: r.person_id } };
    });
  }

  /** Whether the refresh of this hash is still recorded (its family was not revoked meanwhile). */
  async refreshRecorded(refreshHash: string): Promise<boolean> {
    return (await this.db.selectFrom('session_refreshes').select('refresh_hash').where('refresh_hash', '=', refreshHash).executeTakeFirst()) !== undefined;
  }

  /**
   * Remove a whole family of refreshes (its reuse was detected, or it was signed out): resolves to the
   * sessions (token ids) of the family and the provider refresh tokens its unspent rows held.
   */
  async forgetFamily(familyId: string): Promise<{ tokenIds: string[]; providerRefreshes: StoredProviderRefresh[] }> {
    return this.inTransaction(async ({ db }) => {
      const rows = await db.selectFrom('session_refreshes').select(['refresh_hash', 'token_id', 'provider_refresh']).where('family_id', '=', familyId).execute();
      await db.deleteFrom('session_refreshes').where('family_id', '=', familyId).execute();
      return {
        tokenIds: [...new Set(rows.map((r) => r.token_id))],
        providerRefreshes: rows.filter((r) => r.provider_refresh).map((r) => ({ table: 'session_refreshes' as const, key: r.refresh_hash, providerRefresh: r.provider_refresh })),
      };
    });
  }

  /** Remove the refreshes of a session and of its whole family (it was signed out); resolves to the provider refresh tokens they held. */
  async forgetRefreshesOf(tokenId: string): Promise<StoredProviderRefresh[]> {
    const families = await this.db.selectFrom('session_refreshes').select(['family_id', 'refresh_hash']).where('token_id', '=', tokenId).execute();
    const out: StoredProviderRefresh[] = [];
    for (const f of new Set(families.map((r) => r.family_id ?? r.refresh_hash))) out.push(...(await this.forgetFamily(f)).providerRefreshes);
    return out;
  }

  /** Every provider refresh token stored (sealed or, from before sealing, plain). */
  async storedProviderRefreshes(): Promise<StoredProviderRefresh[]> {
    const refreshes = await this.db.selectFrom('session_refreshes').select(['refresh_hash', 'provider_refresh']).where('provider_refresh', '!=', '').execute();
    const handoffs = await this.db.selectFrom('sign_in_handoffs').select(['code_hash', 'provider_refresh']).where('provider_refresh', 'is not', null).execute();
    return [
      ...refreshes.map((r) => ({ table: 'session_refreshes' as const, key: r.refresh_hash, providerRefresh: r.provider_refresh })),
      ...handoffs.map((h) => ({ table: 'sign_in_handoffs' as const, key: h.code_hash, providerRefresh: h.provider_refresh! })),
    ];
  }

  /** Replace a stored provider refresh token by its re-sealed form (`from` is compared, so a concurrent change wins). */
  async resealProviderRefresh(s: StoredProviderRefresh, sealed: string): Promise<void> {
    if (s.table === 'session_refreshes') {
      await this.db.updateTable('session_refreshes').set({ provider_refresh: sealed }).where('refresh_hash', '=', s.key).where('provider_refresh', '=', s.providerRefresh).execute();
    } else {
      await this.db.updateTable('sign_in_handoffs').set({ provider_refresh: sealed }).where('code_hash', '=', s.key).where('provider_refresh', '=', s.providerRefresh).execute();
    }
  }

  /** Forget sign-ins that expired before now; resolves to how many. */
  async sweepSignIns(): Promise<number> {
    await this.db.deleteFrom('session_refreshes').where('expires_at', '<', this.iso()).execute();
    await this.db.deleteFrom('sign_in_handoffs').where('expires_at', '<', this.iso()).execute();
    return Number((await this.db.deleteFrom('sign_ins').where('expires_at', '<', this.iso()).executeTakeFirst()).numDeletedRows);
  }

  async countSignIns(): Promise<number> {
    const r = await this.db.selectFrom('sign_ins').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async personOf(issuer: string, subject: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('identities').select('person_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
    return r?.person_id;
  }

  /** Link an identity to a person (an operator's `people add --oidc-subject`, or a first sign-in). */
  async link(i: Identity): Promise<void> {
    await this.db.insertInto('identities').values({ issuer: i.issuer, subject: i.subject, person_id: i.personId, created_at: this.iso() }).execute();
  }

  async touch(issuer: string, subject: string): Promise<void> {
    await this.db.updateTable('identities').set({ last_sign_in_at: this.iso() }).where('issuer', '=', issuer).where('subject', '=', subject).execute();
  }

  async identitiesOf(personId: string): Promise<Identity[]> {
    const rows = await this.db.selectFrom('identities').select(['issuer', 'subject']).where('person_id', '=', personId).orderBy('issuer').orderBy('subject').execute();
    return rows.map((r) => ({ issuer: r.issuer, subject: r.subject, personId }));
  }
}
