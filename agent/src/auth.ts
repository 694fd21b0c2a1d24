// Bearer-token check for the WebSocket upgrade, in constant time: both sides
// are hashed to equal-length digests before crypto.timingSafeEqual, so neither
// the token's length nor its content leaks through timing.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The token from an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer +(\S+)\s*$/i.exec(value);
  return m ? m[1] : undefined;
}

/** Checks presented tokens against the agent's token. */
export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = createHash('sha256').update(token, 'utf8').digest();
  }

  /** True when `presented` equals the agent's token. */
  accepts(presented: string | undefined): boolean {
    const digest = createHash('sha256').update(presented ?? '', 'utf8').digest();
    return timingSafeEqual(digest, this.expected) && presented !== undefined;
  }
}
