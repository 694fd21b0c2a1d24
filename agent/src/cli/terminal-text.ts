// Text that comes from data (titles, slugs, folder and file names, test names,
// messages) made safe to print on a terminal. A title holding `ESC ] 0 ; … BEL`
// or `ESC [ 2 J` would otherwise retitle the window, clear the screen or forge
// output; a newline would forge a line; a bidirectional override would show
// text in another order than it is. Each such character is shown as an escape
// (`\x1b`, `\n`, `\u202e`) instead of acting on the terminal.

/** C0 controls (newline and tab too), DEL, C1 controls, and the bidirectional marks, embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, without newline and tab: what may stay in a block of lines. */
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One value shown inline: every control character, newline and tab included, is shown as an escape. */
export function inline(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** A block of lines (what the command writes): as `inline`, but newlines and tabs keep their meaning. */
export function block(text: string): string {
  return text.replace(UNSAFE_IN_BLOCK, escapeOne);
}

/** True when `text` holds a character `inline` would escape. */
export function hasUnsafe(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}

/**
 * Quote a path for a POSIX shell (`eval "$(classpod go N)"`, also in dash).
 * Plain paths stay as they are, others are single-quoted; a path holding a
 * character a terminal would act on is spelled with octal escapes through
 * printf, so the line printed holds none of them and still `cd`s there (the
 * trailing `/` keeps command substitution from eating a final newline).
 */
export function shellQuote(p: string): string {
  if (/^[A-Za-z0-9_./-]+$/.test(p)) return p;
  if (!hasUnsafe(p)) return `'${p.replace(/'/g, `'\\''`)}'`;
  let format = '';
  for (const ch of p) {
    if (ch === '\\') format += '\\\\';
    else if (ch === '%') format += '%%';
    else if (ch === "'") format += `'\\''`;
    else if (hasUnsafe(ch)) for (const byte of Buffer.from(ch, 'utf8')) format += `\\${byte.toString(8).padStart(3, '0')}`;
    else format += ch;
  }
  return `"$(printf '${format}/')"`;
}
