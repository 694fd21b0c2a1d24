// Three-way reconciliation, the heart of sync. Given the common ancestor (what
// both sides held after the last successful sync) and both sides' manifests
// now, it decides the tree both sides must hold next, and from it the changes
// each side needs. Pure: no I/O, so every rule is tested directly.
//
// Per path:  local = remote                → nothing to do
//            local = ancestor              → the workspace changed: take it
//            remote = ancestor             → the local side changed: take it
//            otherwise (both changed)      → a conflict:
//              one side deleted            → the edit wins
//              file vs folder              → the folder keeps the name, the file becomes a conflict copy
//              same content, mode differs  → executable if either made it so
//              different content           → the local version keeps the name, the workspace's
//                                            becomes `NAME.conflict-workspace-<time>.EXT`
// Then every kept path gets its parent folders back (a folder deleted on one
// side while the other added a file to it is restored; a file that stands
// where the other side needs a folder becomes a conflict copy). Finally, when
// the local disk ignores case, paths that would collide there are left alone
// and reported.

import type { SyncChange, SyncProblem } from '@classpod/protocol';
import { conflictCopyPath, isConflictCopyOf, type ConflictSide } from './conflict-names';
import { isWithin, parentPath, pathDepth, sameEntry, type Entry, type Manifest } from './manifest';

/** A conflict the user should see. */
export interface SyncConflict {
  /** The path both sides changed. */
  path: string;
  /** `content`: both edited; `file-folder`: one side has a file where the other needs a folder. */
  kind: 'content' | 'file-folder';
  /** Where the losing version was kept. */
  copyPath: string;
  /** Whose version the copy holds. */
  copySide: ConflictSide;
}

export interface ReconcileInput {
  ancestor: Manifest;
  local: Manifest;
  remote: Manifest;
  /** True when the local disk treats `A` and `a` as the same name (macOS, Windows). */
  caseInsensitive: boolean;
  /** Time written into conflict copy names. */
  now: Date;
  /**
   * Paths known to exist anywhere in the pair beyond these manifests (a
   * focused cycle sees only part of the tree): a conflict copy is never
   * given one of their names.
   */
  alsoTaken?: (path: string) => boolean;
}

export interface ReconcilePlan {
  /** The tree both sides hold once every change is applied (excluded paths left out). */
  target: Manifest;
  /** Changes for the local side, in path order. */
  localChanges: SyncChange[];
  /** Changes for the workspace side, in path order. */
  remoteChanges: SyncChange[];
  conflicts: SyncConflict[];
  /** Paths left alone (case collisions); their ancestor entries are kept. */
  excluded: Set<string>;
  problems: SyncProblem[];
}

/** Decide the next tree and each side's changes. */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { ancestor: A, local: L, remote: R } = input;
  const target: Manifest = new Map();
  const conflicts: SyncConflict[] = [];
  const paths = new Set<string>([...A.keys(), ...L.keys(), ...R.keys()]);
  const taken = (p: string): boolean => paths.has(p) || target.has(p) || (input.alsoTaken?.(p) ?? false);

  const keepCopy = (original: string, entry: Entry, side: ConflictSide, kind: SyncConflict['kind']): void => {
    // A copy of this very version made in an earlier, interrupted cycle is reused, not duplicated.
    for (const [p, e] of target) {
      if (isConflictCopyOf(p, original, side) && sameEntry(e, entry)) {
        conflicts.push({ path: original, kind, copyPath: p, copySide: side });
        return;
      }
    }
    for (const m of [L, R]) {
      for (const [p, e] of m) {
        if (isConflictCopyOf(p, original, side) && sameEntry(e, entry) && !target.has(p)) {
          target.set(p, e);
          conflicts.push({ path: original, kind, copyPath: p, copySide: side });
          return;
        }
      }
    }
    const copyPath = conflictCopyPath(original, side, input.now, taken);
    target.set(copyPath, entry);
    conflicts.push({ path: original, kind, copyPath, copySide: side });
  };

  const sorted = [...paths].sort();
  for (const p of sorted) {
    const a = A.get(p);
    const l = L.get(p);
    const r = R.get(p);
    let t: Entry | undefined;
    if (sameEntry(l, r)) t = l;
    else if (sameEntry(l, a)) t = r;
    else if (sameEntry(r, a)) t = l;
    else if (!l) t = r;
    else if (!r) t = l;
    else if (l.kind === 'dir' || r.kind === 'dir') {
      t = l.kind === 'dir' ? l : r;
      const [loser, side]: [Entry, ConflictSide] = l.kind === 'dir' ? [r, 'workspace'] : [l, 'local'];
      keepCopy(p, loser, side, 'file-folder');
    } else if (l.kind === 'file' && r.kind === 'file' && l.hash === r.hash) {
      t = { ...l, executable: Boolean(l.executable) || Boolean(r.executable) };
    } else {
      t = l;
      keepCopy(p, r, 'workspace', 'content');
    }
    if (t) target.set(p, t);
  }

  // Every kept path needs its parents as folders.
  for (const p of [...target.keys()].sort((x, y) => pathDepth(x) - pathDepth(y))) {
    if (!target.has(p)) continue;
    for (let parent = parentPath(p); parent !== undefined; parent = parentPath(parent)) {
      const e = target.get(parent);
      if (e?.kind === 'dir') break;
      if (e) {
        const side: ConflictSide = sameEntry(L.get(parent), e) ? 'local' : 'workspace';
        keepCopy(parent, e, side, 'file-folder');
      }
      target.set(parent, { kind: 'dir' });
    }
  }

  const excluded = new Set<string>();
  const problems: SyncProblem[] = [];
  if (input.caseInsensitive) {
    const byFolded = new Map<string, string[]>();
    for (const p of target.keys()) {
      const k = p.toLowerCase();
      const list = byFolded.get(k);
      if (list) list.push(p);
      else byFolded.set(k, [p]);
    }
    const roots: string[] = [];
    for (const group of byFolded.values()) {
      if (group.length < 2) continue;
      roots.push(...group);
      problems.push({
        path: group[0]!,
        kind: 'case-collision',
        message: `${group.join(' and ')} differ only in letter case; the local disk cannot hold both, so they are not synced until one is renamed`,
      });
    }
    if (roots.length > 0) {
      for (const p of paths) if (roots.some((r) => isWithin(p, r))) excluded.add(p);
      for (const p of target.keys()) if (roots.some((r) => isWithin(p, r))) excluded.add(p);
    }
  }

  const localChanges: SyncChange[] = [];
  const remoteChanges: SyncChange[] = [];
  const all = [...new Set<string>([...L.keys(), ...R.keys(), ...target.keys()])].sort();
  for (const p of all) {
    if (excluded.has(p)) continue;
    const t = target.get(p) ?? null;
    const l = L.get(p) ?? null;
    const r = R.get(p) ?? null;
    if (!sameEntry(l, t)) localChanges.push({ path: p, old: l, new: t });
    if (!sameEntry(r, t)) remoteChanges.push({ path: p, old: r, new: t });
  }
  for (const p of excluded) target.delete(p);
  return { target, localChanges, remoteChanges, conflicts: conflicts.filter((c) => !excluded.has(c.path)), excluded, problems };
}

/**
 * The ancestor after a cycle: the target for every path whose changes all
 * succeeded; the old ancestor entry where a change failed (so the next cycle
 * still sees what each side changed) or the path was excluded.
 */
export function nextAncestor(ancestor: Manifest, plan: ReconcilePlan, failed: ReadonlySet<string>): Manifest {
  const next: Manifest = new Map();
  for (const p of new Set([...ancestor.keys(), ...plan.target.keys(), ...plan.excluded, ...failed])) {
    const keepOld = failed.has(p) || plan.excluded.has(p);
    const e = keepOld ? ancestor.get(p) : plan.target.get(p);
    if (e) next.set(p, e);
  }
  return next;
}
