// Picks a submission's source files out of its folder by the spec's names
// and `*` patterns. Only regular files count: a symbolic link in a
// submission is never followed, so it cannot pull in files from elsewhere.

import { lstat, readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Largest total size of a submission's sources (bytes). */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** The chosen files, or what is missing. */
export type SourceSelection = { ok: true; files: Map<string, Buffer> } | { ok: false; problem: string };

/** Regular files under `dir`, as forward-slash relative paths (symbolic links skipped). */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(path.join(dir, prefix))).sort()) {
    const rel = prefix ? `${prefix}/${entry}` : entry;
    const st = await lstat(path.join(dir, rel));
    if (st.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (st.isFile()) out.push(rel);
  }
  return out;
}

/** `*` matches within a path segment, `**` across segments. */
export function patternToRegExp(pattern: string): RegExp {
  const re = pattern
    .split(/(\*\*\/?|\*)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' + (part === '**' ? '.*' : '') : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`);
}

/** Select the files named by `patterns` from `dir`. A plain name that is missing is a problem. */
export async function selectSources(dir: string, patterns: readonly string[]): Promise<SourceSelection> {
  let all: string[];
  try {
    all = await listFiles(dir);
  } catch {
    return { ok: false, problem: `submission folder ${dir} cannot be read` };
  }
  const chosen = new Map<string, Buffer>();
  let total = 0;
  for (const pattern of patterns) {
    const re = patternToRegExp(pattern);
    const matches = all.filter((f) => re.test(f));
    if (matches.length === 0) {
      return { ok: false, problem: pattern.includes('*') ? `no file matches ${pattern}` : `missing source file ${pattern}` };
    }
    for (const m of matches) {
      if (chosen.has(m)) continue;
      const content = await readFile(path.join(dir, m));
      total += content.length;
      if (total > MAX_SOURCE_BYTES) return { ok: false, problem: `sources are larger than ${MAX_SOURCE_BYTES} bytes` };
      chosen.set(m, content);
    }
  }
  return { ok: true, files: chosen };
}
