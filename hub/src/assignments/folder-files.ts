// Reading a folder tree into memory and writing files back, with limits and
// without following symbolic links below the root: used for the professors'
// course and assignment folders and the hub's own temporary folders. Never
// for workspaces: the hub reaches those only through their agents
// (workspaces/agent-file-access.ts).

import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { isSkippedInAssignmentFolder, writeFileAtomic } from '@classpod/sync';
import type { FolderFileData } from '../blobs/blob-store';

/** Limits of one folder read. */
export interface FolderLimits {
  maxFiles: number;
  maxBytes: number;
  /** Whether a name is skipped wherever it appears (default: none). */
  skip?: (name: string) => boolean;
}

/** Limits of a professor's folder, which skips what the extension's upload skips (`isSkippedInAssignmentFolder`). */
export const DEFAULT_FOLDER_LIMITS: FolderLimits = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024, skip: isSkippedInAssignmentFolder };

/** A folder was over a limit or held something that cannot be stored. */
export class FolderError extends Error {
  constructor(readonly code: 'too-large' | 'bad-path' | 'missing', message: string) {
    super(message);
  }
}

/** Every regular file under `root` (paths relative, `/`-separated, sorted). Symbolic links are skipped. */
export async function readFolderFiles(root: string, limits: FolderLimits = DEFAULT_FOLDER_LIMITS): Promise<FolderFileData[]> {
  const out: FolderFileData[] = [];
  let bytes = 0;
  const skip = limits.skip ?? (() => false);
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (skip(e.name)) continue;
      const abs = join(dir, e.name);
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(abs, relPath);
      else if (e.isFile()) {
        const st = await lstat(abs);
        bytes += st.size;
        if (out.length + 1 > limits.maxFiles) throw new FolderError('too-large', `${root} holds more than ${limits.maxFiles} files`);
        if (bytes > limits.maxBytes) throw new FolderError('too-large', `${root} holds more than ${limits.maxBytes} bytes`);
        out.push({ path: relPath, content: await readFile(abs), mode: st.mode & 0o777 });
      }
    }
  };
  try {
    await walk(root, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FolderError('missing', `${root} does not exist`);
    throw err;
  }
  return out;
}

/** A relative path that stays inside its folder, `/`-separated; throws FolderError otherwise. */
export function safeRelativePath(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (path.length === 0 || path.includes('\0') || normal.startsWith('/') || normal === '..' || normal.startsWith('../') || normal === '.') {
    throw new FolderError('bad-path', `path \`${path}\` leaves its folder`);
  }
  return normal;
}

/** Write files under `root`, a folder the hub made (atomically each, with the packages' one atomic writer; its temporary names are the ones sync ignores). */
export async function writeFolderFiles(root: string, files: FolderFileData[]): Promise<void> {
  const base = resolve(root);
  for (const f of files) {
    const target = resolve(base, safeRelativePath(f.path));
    if (!target.startsWith(base + sep)) throw new FolderError('bad-path', `path \`${f.path}\` leaves its folder`);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, f.content, { mode: f.mode & 0o777 || 0o644, fsync: false });
  }
}
