// Watches a directory tree and reports debounced batches of changes with paths
// relative to the workspace root. Uses a recursive fs.watch where the platform
// has one, else one watcher per directory. Whether a path was created, changed
// or deleted is decided against the set of paths known to exist, so each
// batch names every path once and in the state it is in when sent.

import { promises as fs, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '@classpod/protocol';
import type { Logger } from '@classpod/observability';
import { isTempName } from '@classpod/sync';

/** Largest number of paths a watch tracks; beyond it changes are still reported, kinds may read `changed`. */
const MAX_KNOWN_PATHS = 200_000;

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
  /** Use one watcher per directory even where a recursive watch exists (default false). */
  perDirectory?: boolean;
}

/** A watch over one directory tree. Dispose with `close()`. */
export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly known = new Set<string>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private recursive = true;

  private constructor(private readonly options: TreeWatcherOptions) {}

  /** Start watching; resolves once the watch is in place. */
  static async start(options: TreeWatcherOptions): Promise<TreeWatcher> {
    const w = new TreeWatcher(options);
    await w.seed();
    try {
      if (options.perDirectory) throw Object.assign(new Error('per-directory watchers asked for'), { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' });
      w.add(options.dir, true);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') throw err;
      w.recursive = false;
      for (const dir of [options.dir, ...[...w.known].filter((p) => p.endsWith(path.sep)).map((p) => p.slice(0, -1))]) {
        w.add(dir, false);
      }
    }
    return w;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  // Directories are kept in `known` with a trailing separator, so the per-directory fallback can find them.
  private async seed(): Promise<void> {
    const entries = await fs.readdir(this.options.dir, { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (this.known.size >= MAX_KNOWN_PATHS) break;
      const abs = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
      if (!isTempName(abs)) this.known.add(e.isDirectory() ? abs + path.sep : abs);
    }
  }

  private add(dir: string, recursive: boolean): void {
    const w = watch(dir, { recursive, persistent: false }, (_event, name) => {
      if (name === null) return;
      this.touch(path.join(dir, name.toString()));
    });
    w.on('error', (err) => {
      this.options.logger.debug('watcher error', { dir, err });
      w.close();
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, w);
  }

  private touch(abs: string): void {
    if (this.closed || isTempName(abs)) return;
    this.dirty.add(abs);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.options.debounceMs);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const paths = [...this.dirty].sort();
    this.dirty.clear();
    const changes: FileChange[] = [];
    for (const abs of paths) {
      const st = await fs.lstat(abs).catch(() => undefined);
      if (this.closed) return;
      const wasDir = this.known.has(abs + path.sep);
      const was = wasDir || this.known.has(abs);
      if (st) {
        const key = st.isDirectory() ? abs + path.sep : abs;
        if (!was) {
          if (this.known.size < MAX_KNOWN_PATHS) this.known.add(key);
          changes.push({ path: this.options.relative(abs), kind: 'created' });
          if (st.isDirectory() && !this.recursive) this.add(abs, false);
        } else if (!st.isDirectory()) {
          changes.push({ path: this.options.relative(abs), kind: 'changed' });
        }
      } else if (was) {
        this.known.delete(abs);
        this.known.delete(abs + path.sep);
        if (wasDir) {
          const prefix = abs + path.sep;
          for (const k of this.known) if (k.startsWith(prefix)) this.known.delete(k);
          const w = this.watchers.get(abs);
          if (w && !this.recursive) {
            w.close();
            this.watchers.delete(abs);
          }
        }
        changes.push({ path: this.options.relative(abs), kind: 'deleted' });
      }
    }
    if (changes.length > 0 && !this.closed) this.options.onChanges(changes);
  }
}
