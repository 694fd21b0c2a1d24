// Tells the tree view which rows changed, gathered over a short time so that a
// burst of hub events (a regrade of a whole class) becomes one redraw. A row
// whose ancestor changed too is left out (redrawing the ancestor redraws it),
// and a parent with too many changed rows is named instead of them.

import { Emitter, type Disposable, type Event } from '../emitter';
import type { ClusterNode } from './cluster-nodes';

/** How rows are found by id and climbed to their parents. */
export interface RowLookup {
  node(id: string): ClusterNode | undefined;
  getParent(node: ClusterNode): ClusterNode | undefined;
}

export interface ChangedRowsOptions {
  /** Changes are gathered for this long and announced together (ms); 0 announces at once. */
  coalesceMs: number;
  /** Above this many changed rows under one parent, the parent is announced instead. */
  maxChangedRowsPerParent: number;
}

export class ChangedRows implements Disposable {
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changes = new Emitter<ClusterNode[] | undefined>();

  /** Fires with the rows that changed (their children may have changed too), or undefined for the whole tree. */
  readonly onDidChange: Event<ClusterNode[] | undefined> = this.changes.event;

  constructor(
    private readonly rows: RowLookup,
    private readonly options: ChangedRowsOptions,
  ) {}

  /** This row (or what is under it) changed. */
  add(node: ClusterNode): void {
    this.pending.add(node.id);
    this.schedule();
  }

  /** The whole tree changed. */
  addEverything(): void {
    this.pendingAll = true;
    this.schedule();
  }

  /** Announce gathered changes now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      this.changes.fire(undefined);
      return;
    }
    if (this.pending.size === 0) return;
    const ids = this.collapse([...this.pending]);
    this.pending.clear();
    const rows = ids.map((id) => this.rows.node(id)).filter((n): n is ClusterNode => n !== undefined);
    if (rows.length > 0) this.changes.fire(rows);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changes.dispose();
  }

  private schedule(): void {
    if (this.options.coalesceMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.coalesceMs);
  }

  /** Drop rows whose ancestor also changed; name the parent instead of many of its rows. */
  private collapse(ids: string[]): string[] {
    const set = new Set(ids);
    const ancestorChanged = (id: string): boolean => {
      let n = this.rows.node(id);
      while (n) {
        n = this.rows.getParent(n);
        if (n && set.has(n.id)) return true;
      }
      return false;
    };
    let kept = ids.filter((id) => !ancestorChanged(id));
    const byParent = new Map<string, string[]>();
    for (const id of kept) {
      const node = this.rows.node(id);
      const parent = node ? this.rows.getParent(node) : undefined;
      if (!parent) continue;
      const list = byParent.get(parent.id) ?? [];
      list.push(id);
      byParent.set(parent.id, list);
    }
    for (const [parentId, children] of byParent) {
      if (children.length > this.options.maxChangedRowsPerParent) {
        const drop = new Set(children);
        kept = kept.filter((id) => !drop.has(id));
        kept.push(parentId);
      }
    }
    return kept;
  }
}
