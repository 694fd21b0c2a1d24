// Watches a tree for changes and calls back once things settle (debounced).
// One non-recursive watcher per folder (inotify on Linux), added as folders
// appear: Node 20's recursive watching on Linux walks the whole tree on every
// event, which makes writing many files quadratic. Watchers miss events
// (overflow, network file systems), so sync also rescans on a timer; the
// watcher only makes changes arrive sooner. Given a tree jail (the workspace
// side), each folder is opened through it and watched as the folder it is, so
// a folder swapped for a link to elsewhere is never watched. The only file
// watcher of the packages: the agent's files service builds its change
// reports on it too.

import { promises as fs, watch, type Dirent, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@classpod/observability';
import { DEPENDENCY_DIRS, STATE_DIR_NAME, VERSION_CONTROL_DIRS, isSyncOwnName } from './ignore-rules';
import type { JailedEntry, TreeJail } from './tree-jail';

export interface TreeWatcherOptions {
  /** Quiet time after the last event before the callback runs (ms). Default 15. */
  debounceMs?: number;
  /** Paths (relative, POSIX) that never trigger the callback and whose folders are not watched. */
  ignores?: (relPath: string, isDir: boolean) => boolean;
  /** Most folders watched; beyond it, changes there wait for the periodic rescan. Default 20 000. */
  maxFolders?: number;
  logger?: Logger;
  /** Open each folder through this jail before watching it (the workspace side); by path when absent. */
  jail?: TreeJail;
  /** Names of folders never watched, wherever they appear; default NEVER_WATCHED. */
  neverWatched?: ReadonlySet<string>;
}

/** Folders sync never watches: version control, dependencies, sync's own state. */
export const NEVER_WATCHED: ReadonlySet<string> = new Set([...VERSION_CONTROL_DIRS, ...DEPENDENCY_DIRS, STATE_DIR_NAME]);

/** A debounced watcher of a whole tree. Dispose with `close()`. */
export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private changed = new Set<string>();
  private closed = false;
  private warnedFull = false;
  private readonly neverWatched: ReadonlySet<string>;

  constructor(
    readonly root: string,
    private readonly onChange: (paths: string[]) => void,
    private readonly options: TreeWatcherOptions = {},
  ) {
    this.neverWatched = options.neverWatched ?? NEVER_WATCHED;
  }

  /** Start watching (resolves once every existing folder is watched). */
  async start(): Promise<void> {
    await this.watchTree('');
  }

  /** Watch folder `rel` and those below it; `announce`: a folder that appeared while watching, whose entries count as changes (they may have come before its watcher). */
  private async watchTree(rel: string, announce = false): Promise<void> {
    if (this.closed || this.watchers.has(rel)) return;
    if (this.watchers.size >= (this.options.maxFolders ?? 20_000)) {
      if (!this.warnedFull) this.options.logger?.warn('too many folders to watch; relying on periodic rescans for the rest', { root: this.root });
      this.warnedFull = true;
      return;
    }
    const abs = rel === '' ? this.root : path.join(this.root, rel);
    // Through the jail, the folder is opened first and watched as the folder it is, never through a link swapped in.
    let held: JailedEntry | undefined;
    if (this.options.jail) {
      try {
        held = await this.options.jail.resolve(rel);
      } catch {
        return;
      }
      if (held.name !== undefined || this.closed || this.watchers.has(rel)) {
        await held.release();
        return;
      }
    }
    let entries: Dirent[];
    try {
      const at = held ? held.folder.at() : abs;
      let watcher: FSWatcher;
      try {
        watcher = watch(at, (_event, name) => this.onEvent(rel, name ? String(name) : ''));
      } catch (err) {
        if (rel === '') this.options.logger?.warn('cannot watch the folder; relying on periodic rescans', { root: this.root, err });
        return;
      }
      watcher.on('error', () => this.unwatch(rel));
      this.watchers.set(rel, watcher);
      entries = await fs.readdir(at, { withFileTypes: true }).catch(() => []);
    } finally {
      await held?.release();
    }
    if (announce) for (const e of entries) this.onEvent(rel, e.name);
    await Promise.all(
      entries
        .filter((e) => e.isDirectory() && !this.neverWatched.has(e.name))
        .map((e) => {
          const child = rel === '' ? e.name : `${rel}/${e.name}`;
          return this.options.ignores?.(child, true) ? undefined : this.watchTree(child, announce);
        }),
    );
  }

  private unwatch(rel: string): void {
    for (const [p, w] of this.watchers) {
      if (p === rel || p.startsWith(rel + '/')) {
        w.close();
        this.watchers.delete(p);
      }
    }
  }

  private onEvent(dirRel: string, name: string): void {
    if (this.closed) return;
    const rel = name === '' ? dirRel : dirRel === '' ? name : `${dirRel}/${name}`;
    const top = rel.split('/')[0] ?? '';
    if (this.neverWatched.has(top) || rel.split('/').some(isSyncOwnName)) return;
    if (rel && this.options.ignores?.(rel, false)) return;
    if (name !== '') {
      // A new folder gets its own watcher; a removed one loses its watchers.
      void fs.lstat(path.join(this.root, rel)).then(
        (st) => {
          if (st.isDirectory() && !this.neverWatched.has(name)) void this.watchTree(rel, true);
        },
        () => this.unwatch(rel),
      );
    }
    this.changed.add(rel);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const paths = [...this.changed];
      this.changed = new Set();
      this.onChange(paths);
    }, this.options.debounceMs ?? 15);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
