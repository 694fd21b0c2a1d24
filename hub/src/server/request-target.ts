// The request target of an HTTP request (`GET <target> HTTP/1.1`), parsed
// once and strictly before any route sees it. Node hands the target over
// as the client wrote it, so it may be anything: `//[`, `*`, an absolute
// URL, broken percent-escapes. Only the origin form (`/path?query`) is
// accepted; every path segment and query parameter is percent-decoded here
// as UTF-8, and anything else is a `BadRequestTarget` with a message a client can act on.
// Pure: no I/O, never throws anything else.

/** Longest request target accepted (characters). */
export const MAX_REQUEST_TARGET_LENGTH = 4096;

/** A request target the hub will not route. Answered with 400. */
export class BadRequestTarget extends Error {}

/** A parsed origin-form request target. */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), e.g. `/v1/workspaces/cs101--alice/connect`. */
  rawPath: string;
  /** The path's segments, percent-decoded (`/a/b%20c` → `['a', 'b c']`). */
  segments: string[];
  /** The query's parameters, decoded as strictly as the path. */
  query: URLSearchParams;
}

/** A client's text quoted for an error message: bounded, with control and non-ASCII characters escaped. */
export function quoteForMessage(text: string, max = 80): string {
  const escaped = (text.length > max ? text.slice(0, max) : text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `\`${escaped}${text.length > max ? '…' : ''}\``;
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode percent-escapes as UTF-8; throws BadRequestTarget on a broken escape or bytes that are not UTF-8. `what` names the part in messages. */
function decodeComponent(text: string, what: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!HEX.test(hex)) {
        throw new BadRequestTarget(`${what} ${quoteForMessage(text)} has ${quoteForMessage(text.slice(i, i + 3), 3)}, which is not a percent-escape (% and two hexadecimal digits)`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Node's parser refuses non-ASCII targets; a caller may still pass one. Encode it as UTF-8 too.
      bytes.push(...Buffer.from(String.fromCodePoint(text.codePointAt(i)!), 'utf8'));
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new BadRequestTarget(`${what} ${quoteForMessage(text)} does not decode to UTF-8 text`);
  }
}

/** Decode one path segment's percent-escapes as UTF-8; throws BadRequestTarget on a broken escape or bytes that are not UTF-8. */
export function decodePathSegment(segment: string): string {
  return decodeComponent(segment, 'the path segment');
}

/** The query's parameters, each name and value decoded strictly (`+` is a space, as in forms). */
function parseQuery(query: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    params.append(decodeComponent(name.replace(/\+/g, ' '), 'the query parameter'), decodeComponent(value.replace(/\+/g, ' '), 'the query value'));
  }
  return params;
}

/** Parse a request target; throws BadRequestTarget for anything but a well-formed origin-form target. */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  if (target === undefined || target === '') throw new BadRequestTarget('the request has no target');
  if (target.length > MAX_REQUEST_TARGET_LENGTH) throw new BadRequestTarget(`the request target is longer than ${MAX_REQUEST_TARGET_LENGTH} characters`);
  if (!target.startsWith('/') || target.startsWith('//')) {
    throw new BadRequestTarget(`the request target ${quoteForMessage(target)} is not a path (the hub expects one like /v1/connect)`);
  }
  if (target.includes('#')) throw new BadRequestTarget(`the request target ${quoteForMessage(target)} contains a fragment (#)`);
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const segments = rawPath.slice(1).split('/').map(decodePathSegment);
  return { rawPath, segments, query: parseQuery(q < 0 ? '' : target.slice(q + 1)) };
}
