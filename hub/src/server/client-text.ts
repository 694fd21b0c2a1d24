// Texts about failures that the hub sends to clients: error messages of
// its API and the reasons it gives when it closes a WebSocket. They never
// show where things live on the hub's host — an absolute path keeps only
// its last component (`mkdir '…/.classpod'`), an address on the hub's
// loopback becomes `<internal address>` — and a close reason fits the
// 123 bytes a close frame allows (ws throws on a longer one). What a client
// sent is quoted bounded and with control characters escaped.

/** Largest close reason a WebSocket close frame carries (bytes of UTF-8). */
export const MAX_CLOSE_REASON_BYTES = 123;

// An absolute path: `/` after a start, a blank, a quote, `(`, `[`, `,` or `=`, with at least one more `/`.
const ABSOLUTE_PATH = /(^|[\s'"`([,=])\/(?:[^\s'"`()[\]:,;/]+\/)+([^\s'"`()[\]:,;/]*)/g;
// A URL of this host's loopback (an agent's port, say).
const LOOPBACK_URL = /\b(?:https?|wss?):\/\/(?:127\.\d+\.\d+\.\d+|\[::1\]|localhost|0\.0\.0\.0)(?::\d+)?[^\s'"`)]*/gi;

/** `text` with host paths and loopback addresses taken out. */
export function withoutHostPaths(text: string): string {
  return text.replace(LOOPBACK_URL, '<internal address>').replace(ABSOLUTE_PATH, (_m, lead: string, last: string) => `${lead}…/${last}`);
}

/** A close reason: host paths taken out, cut to whole characters within MAX_CLOSE_REASON_BYTES. */
export function closeReason(text: string): string {
  const clean = withoutHostPaths(text);
  if (Buffer.byteLength(clean) <= MAX_CLOSE_REASON_BYTES) return clean;
  const room = MAX_CLOSE_REASON_BYTES - Buffer.byteLength('…');
  let cut = '';
  let bytes = 0;
  for (const ch of clean) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > room) break;
    cut += ch;
    bytes += n;
  }
  return cut + '…';
}

/** A client's text quoted for an error message: bounded, with control and non-ASCII characters escaped. */
export function quoteForMessage(text: string, max = 80): string {
  const escaped = (text.length > max ? text.slice(0, max) : text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `\`${escaped}${text.length > max ? '…' : ''}\``;
}
