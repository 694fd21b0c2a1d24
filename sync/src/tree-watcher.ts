// Watches a tree for changes and calls back once things settle (debounced).
// Watchers miss events (overflow, network file systems), so sync also rescans
// on a timer; the watcher only makes changes arrive sooner.

import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '@classpod/protocol';
import { STATE_DIR_NAME, TEMP_MARKER } from './ignore-rules';

export interface TreeWatcherOptions {
  /** Quiet time after the last event before the callback runs (ms). Default 15. */
  debounceMs?: number;
  /** Paths (relative, POSIX) that never trigger the callback; sync's own files never do. */
  ignores?: (relPath: string) => boolean;
  logger?: Logger;
}

/** A recursive, debounced watcher. Dispose with `close()`. */
export class TreeWatcher {
  private watcher: FSWatcher | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private changed = new Set<string>();

  constructor(
    readonly root: string,
    private readonly onChange: (paths: string[]) => void,
    private readonly options: TreeWatcherOptions = {},
  ) {}

  /** Start watching; a root that cannot be watched is logged and left to the periodic rescan. */
  start(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.root, { recursive: true }, (_event, name) => this.onEvent(name ? String(name) : ''));
      this.watcher.on('error', (err) => this.options.logger?.warn('watcher failed; relying on periodic rescans', { err }));
    } catch (err) {
      this.options.logger?.warn('cannot watch the folder; relying on periodic rescans', { root: this.root, err });
    }
  }

  private onEvent(name: string): void {
    const rel = name.split('\\').join('/');
    if (rel === STATE_DIR_NAME || rel.startsWith(`${STATE_DIR_NAME}/`) || rel.includes(TEMP_MARKER)) return;
    if (rel && this.options.ignores?.(rel)) return;
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }
}
