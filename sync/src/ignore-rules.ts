// Which paths sync leaves alone: rules in .gitignore syntax, from built-in
// defaults, the root's `.gitignore` and `.classpodignore`, and the caller's
// options. Both sides of a sync pair scan with the same rule list, which the
// local side reads and sends, so a path is either synced on both or neither.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { TreeJail } from './tree-jail';

/** Name of the sync engine's own state folder inside a synced tree (workspace side). */
export const STATE_DIR_NAME = '.classpod-sync';

/** Marker in the names of temporary files written before an atomic rename. */
export const TEMP_MARKER = '.classpod-tmp-';

/** Prefix of the probe file that tells whether a folder's names are case-sensitive (removed right after). */
export const CASE_PROBE_PREFIX = '.CLASSPOD-CASE-PROBE-';

/**
 * True for a name (one path component) that belongs to sync itself: its
 * state folder, a temporary file of an atomic write, a case probe. Such a
 * file is never synced, and it is not the student's work: a snapshot or a
 * submission leaves it out too.
 */
export function isSyncOwnName(name: string): boolean {
  return name === STATE_DIR_NAME || name.includes(TEMP_MARKER) || name.startsWith(CASE_PROBE_PREFIX);
}

/** The per-assignment ignore file, read from the sync root. */
export const CLASSPOD_IGNORE_FILE = '.classpodignore';

// Each name below is declared once; the lists of what sync ignores, what the
// watcher leaves unwatched, what a snapshot leaves out and what an assignment
// folder's readers skip are made of them.

/** Folders of version control. */
export const VERSION_CONTROL_DIRS: readonly string[] = ['.git', '.hg', '.svn'];
/** Installed dependencies. */
export const DEPENDENCY_DIRS: readonly string[] = ['node_modules'];
/** Python's compiled-module cache. */
const PYTHON_CACHE_DIR = '__pycache__';
/** Files an operating system leaves in folders it shows. */
const OS_LITTER = ['.DS_Store', 'Thumbs.db'] as const;

/** Rules that always apply: version control, dependencies, build outputs, editor litter, sync's own files. */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  ...VERSION_CONTROL_DIRS.map((d) => `${d}/`),
  ...DEPENDENCY_DIRS.map((d) => `${d}/`),
  `${STATE_DIR_NAME}/`,
  `*${TEMP_MARKER}*`,
  `${CASE_PROBE_PREFIX}*`,
  'dist/',
  'build/',
  'out/',
  'target/',
  `${PYTHON_CACHE_DIR}/`,
  '*.pyc',
  '*.o',
  '*.class',
  ...OS_LITTER,
  '*.swp',
  '*~',
];

/**
 * Names (one path component) never read from a professor's assignment folder,
 * wherever they appear: version control, dependencies and caches, the
 * professor's own editor settings (`.vscode`), operating-system litter, and
 * sync's own files. The extension's upload and the hub's `assignment add` and
 * `course create` skip exactly these. Build outputs and compiled files are not
 * skipped: a course may ship them as starter files or test data on purpose.
 */
export const ASSIGNMENT_FOLDER_SKIPPED_NAMES: readonly string[] = [...VERSION_CONTROL_DIRS, ...DEPENDENCY_DIRS, PYTHON_CACHE_DIR, '.vscode', ...OS_LITTER];

/** True for a name an assignment folder's reader skips (see `ASSIGNMENT_FOLDER_SKIPPED_NAMES`, and `isSyncOwnName`). */
export function isSkippedInAssignmentFolder(name: string): boolean {
  return ASSIGNMENT_FOLDER_SKIPPED_NAMES.includes(name) || isSyncOwnName(name);
}

/** A compiled rule list. */
export class IgnoreRules {
  private readonly matcher: Ignore;

  constructor(readonly patterns: readonly string[]) {
    this.matcher = ignore({ allowRelativePaths: true }).add(patterns as string[]);
  }

  /** True when the path (relative, POSIX; `isDir` for directories) is ignored. */
  ignores(relPath: string, isDir: boolean): boolean {
    return this.matcher.ignores(isDir ? relPath + '/' : relPath);
  }
}

/**
 * The rule list for a root: defaults, then `.gitignore` and `.classpodignore`
 * at the root (when present), then `extra`. Only root-level ignore files are
 * read; given a jail, they are read through it (a link or FIFO there is skipped).
 */
export async function readIgnorePatterns(root: string | TreeJail, extra: readonly string[] = []): Promise<string[]> {
  const patterns = [...DEFAULT_IGNORE_PATTERNS];
  for (const name of ['.gitignore', CLASSPOD_IGNORE_FILE]) {
    let text: string | undefined;
    if (typeof root === 'string') {
      text = await fs.readFile(path.join(root, name), 'utf8').catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        return undefined;
      });
    } else {
      text = await root.readFile(name).then(
        (f) => f.data.toString('utf8'),
        () => undefined,
      );
    }
    if (text === undefined) continue;
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '' && !line.startsWith('#')) patterns.push(line);
  }
  patterns.push(...extra);
  return patterns;
}
