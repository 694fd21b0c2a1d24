// Access tokens: 32 random bytes shown once to their owner, stored only as
// their sha256, with scopes, an optional expiry, and revocation.

import { createHash, randomBytes } from 'node:crypto';
import { newId, type Store } from '../store/store';
import type { Person, TokenRecord } from '../store/records';

/** What a token lets its holder do. */
export type TokenScope = 'hub' | 'grader' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['hub', 'grader', 'admin'];

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
    await this.store.insertToken(record);
    return { token, record };
  }

  /** The principal of a token, or a TokenRefused error. */
  async verify(token: string | undefined, scope: TokenScope): Promise<Principal> {
    if (!token) throw new TokenRefused('no token');
    if (!TOKEN_PATTERN.test(token)) throw new TokenRefused('malformed token');
    const record = await this.store.tokenByHash(hashToken(token));
    if (!record) throw new TokenRefused('unknown token');
    if (record.revokedAt) throw new TokenRefused(`token ${record.id} was revoked`);
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now().getTime()) throw new TokenRefused(`token ${record.id} expired`);
    if (!record.scopes.includes(scope) && !record.scopes.includes('admin')) throw new TokenRefused(`token ${record.id} lacks scope ${scope}`);
    const person = record.personId ? await this.store.getPerson(record.personId) : undefined;
    if (record.personId && !person) throw new TokenRefused(`token ${record.id} names a person who no longer exists`);
    return { tokenId: record.id, scopes: record.scopes as TokenScope[], person };
  }
}

/** The bearer token of an HTTP request: `Authorization: Bearer …`, else `?token=` (clients that cannot set headers). */
export function bearerOf(headers: Record<string, string | string[] | undefined>, url: string | undefined): string | undefined {
  const auth = headers['authorization'];
  const value = Array.isArray(auth) ? auth[0] : auth;
  if (value) {
    const m = /^Bearer\s+(\S+)$/i.exec(value);
    return m ? m[1] : undefined;
  }
  if (url) {
    const q = new URL(url, 'http://hub').searchParams.get('token');
    if (q) return q;
  }
  return undefined;
}
