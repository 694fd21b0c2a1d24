// Finds the repository root (the folder whose package.json declares the npm
// workspaces), wherever the compiled tests run from.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Absolute path of the Classpod repository root. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
      if (Array.isArray(parsed.workspaces)) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json with workspaces above ${__dirname}`);
    dir = parent;
  }
}
