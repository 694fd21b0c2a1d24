// The request target of an HTTP request (`GET /v1/connect?x=1 HTTP/1.1`) read
// the one way every Classpod server reads it: origin-form only (RFC 9112
// §3.2.1), every percent-escape well formed and decoding to UTF-8, the path
// split into decoded segments. Anything else is a RequestTargetError that a
// server answers with 400 and the error's message; nothing here throws any
// other error, whatever the input (the WHATWG URL parser throws `Invalid URL`
// on `//[`, which is how a single request used to end a server). Pure: no I/O.

/** Longest request target accepted (characters); Node's own header limit is 16 KiB. */
export const MAX_REQUEST_TARGET_LENGTH = 8192;

/** A request target, checked and decoded. */
export interface RequestTarget {
  /** The path as sent (percent-escapes intact), e.g. `/v1/workspaces/cs101--ada/connect`. */
  readonly path: string;
  /** The path's segments after the leading `/`, each percent-decoded: `/a/b%20c` → `['a', 'b c']`; `/` → `['']`. */
  readonly segments: readonly string[];
  /** The query (after `?`), decoded. */
  readonly query: URLSearchParams;
}

/** A request target that cannot be read; answer with `status` (400) and `message`. */
export class RequestTargetError extends Error {
  override readonly name = 'RequestTargetError';
  /** The HTTP status to answer with. */
  readonly status = 400;
}

// RFC 3986 pchar (unreserved / sub-delims / ":" / "@") plus "/" and "%" (checked separately).
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
// The query also allows "?" and, leniently, the characters browsers leave unescaped there.
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%[\]{}|^`"<>\\]*$/;
const PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** Decode one component; a malformed escape or one that is not UTF-8 becomes a RequestTargetError. */
function decode(component: string, where: string): string {
  if (PERCENT.test(component)) throw new RequestTargetError(`the ${where} holds a percent sign not followed by two hexadecimal digits`);
  try {
    return decodeURIComponent(component);
  } catch {
    throw new RequestTargetError(`the ${where} holds a percent-escape that is not UTF-8`);
  }
}

/**
 * Read a request target (`req.url` of Node's http server). Throws
 * RequestTargetError, with a message that names the problem without echoing
 * the target, for anything but a well-formed origin-form target.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget {
  if (raw === undefined || raw === '') throw new RequestTargetError('the request has no target');
  if (raw.length > MAX_REQUEST_TARGET_LENGTH) {
    throw new RequestTargetError(`the request target is ${raw.length} characters long, over the limit of ${MAX_REQUEST_TARGET_LENGTH}`);
  }
  if (!raw.startsWith('/')) throw new RequestTargetError('the request target must be a path starting with `/`');
  if (raw.includes('#')) throw new RequestTargetError('a request target has no fragment (`#`)');
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const queryText = q === -1 ? '' : raw.slice(q + 1);
  if (!PATH_CHARS.test(path)) throw new RequestTargetError('the path holds a character that must be percent-encoded');
  if (!QUERY_CHARS.test(queryText)) throw new RequestTargetError('the query holds a character that must be percent-encoded');
  const segments = path.slice(1).split('/').map((s) => decode(s, 'path'));
  if (segments.some((s) => s.includes('\0'))) throw new RequestTargetError('the path holds a NUL byte');
  // URLSearchParams replaces bad escapes silently; check them first so they get a clear error instead.
  for (const pair of queryText.split('&')) for (const part of pair.split('=')) decode(part.replace(/\+/g, ' '), 'query');
  return { path, segments, query: new URLSearchParams(queryText) };
}
