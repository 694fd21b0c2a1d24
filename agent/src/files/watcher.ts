// Watches a directory tree and reports debounced batches of changes with paths
// relative to the workspace root. The events come from sync's TreeWatcher (one
// watcher per folder, added as folders appear: the packages' only file
// watcher), here told to watch every folder, version control and dependencies
// included, since an editor shows those too. Whether a path was created,
// changed or deleted is decided against the set of paths known to exist, so
// each batch names every path once and in the state it is in when sent.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '@classpod/protocol';
import type { Logger } from '@classpod/observability';
import { isTempName, TreeWatcher as FolderWatcher } from '@classpod/sync';

/** Largest number of paths a watch tracks; beyond it changes are still reported, kinds may read `changed`. */
const MAX_KNOWN_PATHS = 200_000;

/** Every folder is watched: the files service hides nothing of the tree. */
const WATCH_EVERY_FOLDER: ReadonlySet<string> = new Set();

export interface TreeWatcherOptions {
  /** Absolute real path of the watched directory. */
  dir: string;
  /** Turns an absolute path into the path reported. */
  relative: (abs: string) => string;
  /** Quiet time before a batch goes out (ms). */
  debounceMs: number;
  /** Receives each batch. */
  onChanges: (changes: FileChange[]) => void;
  logger: Logger;
}

/** A watch over one directory tree. Dispose with `close()`. */
export class TreeWatcher {
  private readonly known = new Set<string>();
  private folders: FolderWatcher | undefined;
  /** Batches are classified one after the other, so they go out in the order they came. */
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: TreeWatcherOptions) {}

  /** Start watching; resolves once the watch is in place. */
  static async start(options: TreeWatcherOptions): Promise<TreeWatcher> {
    const w = new TreeWatcher(options);
    await w.seed();
    w.folders = new FolderWatcher(options.dir, (paths) => w.enqueue(paths), {
      debounceMs: options.debounceMs,
      logger: options.logger,
      neverWatched: WATCH_EVERY_FOLDER,
    });
    await w.folders.start();
    if (w.closed) w.folders.close();
    return w;
  }

  close(): void {
    this.closed = true;
    this.folders?.close();
  }

  // Directories are kept in `known` with a trailing separator, so a deleted one takes its entries with it.
  private async seed(): Promise<void> {
    const entries = await fs.readdir(this.options.dir, { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (this.known.size >= MAX_KNOWN_PATHS) break;
      const abs = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
      if (!isTempName(abs)) this.known.add(e.isDirectory() ? abs + path.sep : abs);
    }
  }

  private enqueue(relPaths: string[]): void {
    // The root itself is not a change of the tree; the folder watcher already drops temporary names.
    const paths = relPaths.filter((rel) => rel !== '' && !isTempName(rel)).map((rel) => path.join(this.options.dir, rel));
    if (paths.length === 0) return;
    this.flushing = this.flushing.then(() => this.flush(paths.sort())).catch((err: unknown) => this.options.logger.debug('watch batch failed', { dir: this.options.dir, err }));
  }

  private async flush(paths: string[]): Promise<void> {
    const changes: FileChange[] = [];
    for (const abs of new Set(paths)) {
      const st = await fs.lstat(abs).catch(() => undefined);
      if (this.closed) return;
      const wasDir = this.known.has(abs + path.sep);
      const was = wasDir || this.known.has(abs);
      if (st) {
        const key = st.isDirectory() ? abs + path.sep : abs;
        if (!was) {
          if (this.known.size < MAX_KNOWN_PATHS) this.known.add(key);
          changes.push({ path: this.options.relative(abs), kind: 'created' });
        } else if (!st.isDirectory()) {
          changes.push({ path: this.options.relative(abs), kind: 'changed' });
        }
      } else if (was) {
        this.known.delete(abs);
        this.known.delete(abs + path.sep);
        if (wasDir) {
          const prefix = abs + path.sep;
          for (const k of this.known) if (k.startsWith(prefix)) this.known.delete(k);
        }
        changes.push({ path: this.options.relative(abs), kind: 'deleted' });
      }
    }
    if (changes.length > 0 && !this.closed) this.options.onChanges(changes);
  }
}
