// Sizes and durations as people write them in options, commands and course
// files: `1048576`, `64KiB`, `2GiB`; `500ms`, `30s`, `5m`, `1h`, `7d`, `2w` and
// sums such as `1d12h`. One grammar for every package, so an option reads the
// same whichever program takes it; and one way to write a size back for a
// person (`1.5 KiB`). Pure: callers turn `undefined` into their own error
// naming the option.

const SIZE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function safe(n: number): number | undefined {
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Bytes of `1048576`, `64KiB`, `1MiB`, `2GiB` (or `512B`); undefined for anything else. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d{1,16})(B|KiB|MiB|GiB)?$/.exec(text.trim());
  return m ? safe(Number(m[1]) * SIZE_UNITS[m[2] ?? 'B']!) : undefined;
}

/**
 * Milliseconds of `500ms`, `30s`, `5m`, `1h`, `7d`, `2w` or a sum of them
 * (`1d12h`, `1m30s`); bare digits count in `bareUnit` when one is given.
 * Undefined for anything else (a sign, a fraction, an unknown unit).
 */
export function parseDuration(text: string, bareUnit?: 'ms' | 's'): number | undefined {
  const t = text.trim();
  if (bareUnit && /^\d{1,16}$/.test(t)) return safe(Number(t) * DURATION_UNITS[bareUnit]!);
  if (!/^(?:\d{1,16}(?:ms|s|m|h|d|w))+$/.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(n) * DURATION_UNITS[unit!]!;
  return safe(ms);
}

/** A size as a person reads it: "1.5 GiB", "512 MiB", "12 KiB", "300 B". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
