// Picks a submission's source files out of its folder by the spec's names
// and `*` patterns. Only regular files count: a symbolic link in a
// submission is never followed, so it cannot pull in files from elsewhere.
// Sizes are checked before a file is read, so a 200 MB "source" is refused
// by name without being loaded into memory.

import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { formatBytes } from '@classpod/protocol';

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
    return { ok: false, problem: "the submission folder cannot be read" };
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
      const read = await readSource(dir, m, MAX_SOURCE_BYTES - total);
      if (!read.ok) return read;
      total += read.content.length;
      chosen.set(m, read.content);
    }
  }
  return { ok: true, files: chosen };
}

/** Read one source file if it fits in `room` bytes; the size is checked on the opened file first. */
async function readSource(dir: string, rel: string, room: number): Promise<{ ok: true; content: Buffer } | { ok: false; problem: string }> {
  const tooBig = (size: number): { ok: false; problem: string } => ({
    ok: false,
    problem: `source file ${rel} is ${formatBytes(size)}; a submission's sources may hold at most ${formatBytes(MAX_SOURCE_BYTES)} in all`,
  });
  let handle;
  try {
    handle = await open(path.join(dir, rel), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return { ok: false, problem: `source file ${rel} cannot be read` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, problem: `source file ${rel} is not a regular file` };
    if (st.size > room) return tooBig(st.size);
    const content = Buffer.alloc(st.size);
    const { bytesRead } = await handle.read(content, 0, st.size, 0);
    return { ok: true, content: content.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}
