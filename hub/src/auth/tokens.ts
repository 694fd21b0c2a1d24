// Access tokens: 32 random bytes shown once to their owner, stored only as
// their sha256, with scopes, an optional expiry, and revocation. A scope
// opens exactly the endpoints `ENDPOINT_SCOPES` lists for it and nothing
// more: no scope stands in for another.

import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../store/repository';
import type { Store } from '../store/store';
import type { Person, TokenRecord } from '../store/records';

/** What a token lets its holder do. */
export type TokenScope = 'hub' | 'grader' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['hub', 'grader', 'admin'];

/** The hub's kinds of authenticated endpoint. */
export type TokenEndpoint = 'api' | 'grader';

/**
 * Which scopes open which endpoint — the one place this is decided.
 * `api`: the hub API, the workspace gateway and the grade export, for a
 * person's `hub` or `admin` token (what a person may do there follows from
 * who they are, not from the token). `grader`: grading workers' `grader`
 * tokens only — the jobs they lease carry hidden tests.
 */
export const ENDPOINT_SCOPES: Readonly<Record<TokenEndpoint, readonly TokenScope[]>> = {
  api: ['hub', 'admin'],
  grader: ['grader'],
};

/** Tokens look like `cp_<43 base64url characters>`. */
const TOKEN_PATTERN = /^cp_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The holder of a valid token. */
export interface Principal {
  tokenId: string;
  scopes: TokenScope[];
  /** Absent for service tokens (grader workers). */
  person?: Person;
}

/** Why a token was refused, for the log (clients only learn "unauthorized"). */
export class TokenRefused extends Error {}

/** A valid token whose scopes do not open the endpoint (clients learn "forbidden"). */
export class TokenScopeRefused extends TokenRefused {}

export class TokenService {
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** Create a token; the returned secret is shown once and never stored. */
  async issue(options: { personId?: string; scopes: TokenScope[]; label?: string; expiresAt?: Date }): Promise<{ token: string; record: Omit<TokenRecord, 'createdAt'> }> {
    const token = `cp_${randomBytes(32).toString('base64url')}`;
    const record = {
      id: newId('t'),
      hash: hashToken(token),
      personId: options.personId,
      scopes: options.scopes,
      label: options.label,
      expiresAt: options.expiresAt?.toISOString(),
    };
    await this.store.tokens.insert(record);
    return { token, record };
  }

  /** The principal of a token that opens `endpoint`, or a TokenRefused error. */
  async verify(token: string | undefined, endpoint: TokenEndpoint): Promise<Principal> {
    if (!token) throw new TokenRefused('no token');
    if (!TOKEN_PATTERN.test(token)) throw new TokenRefused('malformed token');
    const record = await this.store.tokens.byHash(hashToken(token));
    if (!record) throw new TokenRefused('unknown token');
    if (record.revokedAt) throw new TokenRefused(`token ${record.id} was revoked`);
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now().getTime()) throw new TokenRefused(`token ${record.id} expired`);
    const accepted = ENDPOINT_SCOPES[endpoint];
    if (!record.scopes.some((s) => (accepted as readonly string[]).includes(s))) {
      throw new TokenScopeRefused(`token ${record.id} has scope ${record.scopes.join(' ') || '(none)'}; the ${endpoint} endpoint needs ${accepted.join(' or ')}`);
    }
    const person = record.personId ? await this.store.people.get(record.personId) : undefined;
    if (record.personId && !person) throw new TokenRefused(`token ${record.id} names a person who no longer exists`);
    if (endpoint === 'api' && !person) throw new TokenScopeRefused(`token ${record.id} is a service token; the api endpoint needs a person's token`);
    return { tokenId: record.id, scopes: record.scopes as TokenScope[], person };
  }
}

/**
 * The bearer token of an HTTP request: `Authorization: Bearer …`, else
 * `?token=` of its parsed query (clients that cannot set headers). Never
 * throws; what it returns is checked by `TokenService.verify`.
 */
export function bearerOf(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): string | undefined {
  const auth = headers['authorization'];
  const value = Array.isArray(auth) ? auth[0] : auth;
  if (value) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
    return m ? m[1] : undefined;
  }
  return query.get('token') ?? undefined;
}
