// Finding what a writer left behind in a folder tree: every entry whose name
// matches, at any depth, named by its path relative to the root (with `/`).
// A folder that is not there (or vanished while it was walked) holds nothing;
// any other error of the walk is thrown, so a leftover is never hidden.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The paths, relative to `root` and joined with `/`, of every entry under it whose name `matches`. */
export async function namesUnder(root: string, matches: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw err;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (matches(e.name)) found.push(r);
      if (e.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return found;
}
