// Property: whatever both people do to their trees — create, edit, delete,
// rename, copy, mkdir, chmod, revert a file to bytes it held before (undo,
// `git checkout`) — with connections dropped (in the middle of a transfer,
// before a request arrives, before its answer arrives) and either side
// restarted (also as a kill that leaves a temporary file behind), the trees
// end identical, every version of a file someone saved survives (as the file
// or a conflict copy) unless someone replaced or deleted it while looking at
// it, and no temporary file survives.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { namesUnder } from '@classpod/test-support';
import { isTempName, sameEntry } from '../src';
import { snapshot, SyncPair } from './fixtures/sync-pair';

type Side = 'local' | 'workspace';
const PATHS = ['a.txt', 'b', 'd', 'd/c.txt', 'd/e', 'f/g/h.c', 'f/g'];

export type Op =
  | { kind: 'write'; side: Side; path: string; big?: boolean }
  | { kind: 'delete'; side: Side; path: string }
  | { kind: 'rename'; side: Side; from: string; to: string }
  | { kind: 'copy'; side: Side; from: string; to: string }
  | { kind: 'mkdir'; side: Side; path: string }
  | { kind: 'chmod'; side: Side; path: string }
  | { kind: 'revert'; side: Side; path: string; back: number }
  | { kind: 'syncCutAround'; method: string; at: 'request' | 'reply' }
  | { kind: 'sync' }
  | { kind: 'syncFocused' }
  | { kind: 'syncCut'; after: number }
  | { kind: 'disconnect' }
  | { kind: 'restart'; side: Side; leftover?: boolean };

const side = fc.constantFrom<Side>('local', 'workspace');
const p = fc.constantFrom(...PATHS);
/** The faults: connections dropped (mid-transfer, around a request, between cycles) and restarts (kills). */
const faultArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('syncCut' as const), after: fc.integer({ min: 0, max: 400_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), side, leftover: fc.boolean() }, { requiredKeys: ['kind', 'side'] }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('syncCutAround' as const),
      method: fc.constantFrom('sync/apply', 'sync/put', 'sync/stage', 'sync/scan', 'sync/upload', 'sync/get'),
      at: fc.constantFrom<'request' | 'reply'>('request', 'reply'),
    }),
  },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), side, path: p, big: fc.boolean() }, { requiredKeys: ['kind', 'side', 'path'] }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), side, path: p }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), side, from: p, to: p }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), side, from: p, to: p }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mkdir' as const), side, path: p }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('chmod' as const), side, path: p }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sync' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'syncFocused' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revert' as const), side, path: p, back: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 5, arbitrary: faultArb },
);
/** A history of up to 16 operations with at least one fault among them. */
const historyArb: fc.Arbitrary<Op[]> = fc
  .tuple(fc.array(opArb, { maxLength: 15 }), faultArb, fc.nat())
  .map(([ops, fault, at]) => {
    const i = at % (ops.length + 1);
    return [...ops.slice(0, i), fault, ...ops.slice(i)];
  });

/** Every version written, and those a person replaced or deleted while looking at them. */
class Versions {
  private n = 0;
  readonly written = new Set<string>();
  /** Version → the sides whose person replaced or deleted it while looking at it. */
  readonly superseded = new Map<string, Set<Side>>();
  /** The side whose person acts now. */
  actor: Side = 'local';
  /** Paths changed since the last successful sync, as a watcher would report them. */
  readonly touched = new Set<string>();
  /** Contents each side's path has held, oldest first (what an undo can bring back). */
  readonly history = new Map<string, string[]>();
  held(s: Side, rel: string, content: string): void {
    const key = `${s}:${rel}`;
    const list = this.history.get(key) ?? [];
    if (list.at(-1) !== content) list.push(content);
    this.history.set(key, list);
  }
  next(s: Side, big: boolean): string {
    const v = `v${++this.n}-${s}\n`;
    this.written.add(v);
    return big ? v + 'x'.repeat(200_000) : v;
  }
}

/** rm -rf that also accepts a path through a file (nothing to remove). */
async function rmrf(abs: string): Promise<void> {
  await fs.rm(abs, { recursive: true, force: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTDIR') throw err;
  });
}

const versionOf = (content: string): string => content.split('\n')[0] + '\n';

/** Mark every file at or under `abs` as superseded (a person removes or overwrites it). */
async function supersede(abs: string, versions: Versions): Promise<void> {
  const st = await fs.lstat(abs).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of await fs.readdir(abs)) await supersede(path.join(abs, name), versions);
  } else if (st.isFile()) {
    const v = versionOf(await fs.readFile(abs, 'utf8'));
    versions.superseded.set(v, (versions.superseded.get(v) ?? new Set()).add(versions.actor));
  }
}

/** Make `rel`'s parent folders exist, removing (superseding) files in the way. */
async function makeParents(root: string, rel: string, versions: Versions): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const abs = path.join(root, ...parts.slice(0, i));
    const st = await fs.lstat(abs).catch(() => undefined);
    if (!st || !st.isDirectory()) versions.touched.add(parts.slice(0, i).join('/'));
    if (st && !st.isDirectory()) {
      await supersede(abs, versions);
      await fs.rm(abs, { force: true });
    }
    if (!st || !st.isDirectory()) await fs.mkdir(abs);
  }
}

/** Write `content` at `rel` under `root` as a person does: parents made, a folder in the way removed, what stood there superseded. */
async function writeOver(root: string, rel: string, content: string, versions: Versions): Promise<void> {
  await makeParents(root, rel, versions);
  const abs = path.join(root, rel);
  await supersede(abs, versions);
  const st = await fs.lstat(abs).catch(() => undefined);
  if (st?.isDirectory()) await fs.rm(abs, { recursive: true });
  await fs.writeFile(abs, content);
}

async function applyOp(pair: SyncPair, op: Op, versions: Versions): Promise<void> {
  if ('side' in op) versions.actor = op.side;
  if ('path' in op) versions.touched.add(op.path);
  if ('from' in op) versions.touched.add(op.from).add(op.to);
  const rootOf = (s: Side): string => (s === 'local' ? pair.local : pair.remote);
  switch (op.kind) {
    case 'write': {
      const content = versions.next(op.side, op.big ?? false);
      await writeOver(rootOf(op.side), op.path, content, versions);
      versions.held(op.side, op.path, content);
      return;
    }
    case 'revert': {
      // Bytes this path held before on this side, written back (by an editor's undo, or git checkout).
      const list = versions.history.get(`${op.side}:${op.path}`) ?? [];
      const content = list[list.length - 1 - op.back];
      if (content === undefined) return;
      await writeOver(rootOf(op.side), op.path, content, versions);
      // Brought back by this side's person: no longer replaced by them (the other side's person may still have deleted it).
      versions.superseded.get(versionOf(content))?.delete(op.side);
      versions.held(op.side, op.path, content);
      return;
    }
    case 'syncCutAround': {
      if (!pair.pipe || pair.pipe.cutDone) await pair.connect();
      pair.pipe!.cutAround = { method: op.method, at: op.at };
      const ok = await pair.session!.syncNow().then(() => true, () => false);
      if (ok) versions.touched.clear();
      if (pair.pipe) pair.pipe.cutAround = undefined;
      return;
    }
    case 'delete': {
      const abs = path.join(rootOf(op.side), op.path);
      await supersede(abs, versions);
      await rmrf(abs);
      return;
    }
    case 'rename':
    case 'copy': {
      const root = rootOf(op.side);
      const from = path.join(root, op.from);
      const st = await fs.lstat(from).catch(() => undefined);
      if (!st || op.from === op.to || op.to.startsWith(op.from + '/') || op.from.startsWith(op.to + '/')) return;
      if (op.kind === 'copy' && !st.isFile()) return;
      await makeParents(root, op.to, versions);
      const to = path.join(root, op.to);
      await supersede(to, versions);
      await rmrf(to);
      if (op.kind === 'rename') await fs.rename(from, to);
      else await fs.copyFile(from, to);
      return;
    }
    case 'mkdir': {
      const root = rootOf(op.side);
      await makeParents(root, op.path + '/x', versions);
      return;
    }
    case 'chmod': {
      const abs = path.join(rootOf(op.side), op.path);
      const st = await fs.lstat(abs).catch(() => undefined);
      if (st?.isFile()) await fs.chmod(abs, st.mode & 0o100 ? 0o644 : 0o755);
      return;
    }
    case 'sync':
      await pair.sync();
      versions.touched.clear();
      return;
    case 'syncFocused': {
      if (!pair.pipe || pair.pipe.cutDone) await pair.connect();
      const paths = [...versions.touched];
      if (paths.length === 0) return;
      await pair.session!.syncNow({ paths });
      versions.touched.clear();
      return;
    }
    case 'syncCut': {
      if (!pair.pipe || pair.pipe.cutDone) await pair.connect();
      pair.pipe!.cutAfterBinaryBytes = pair.pipe!.binaryBytes + op.after;
      const ok = await pair.session!.syncNow().then(() => true, () => false);
      if (ok) versions.touched.clear();
      if (pair.pipe) pair.pipe.cutAfterBinaryBytes = Infinity;
      return;
    }
    case 'disconnect':
      pair.disconnect();
      return;
    case 'restart':
      // A kill between writing a temporary file and renaming it leaves one behind (older than the next start).
      if (op.leftover) await leaveTempFile(rootOf(op.side), op.side === 'local' ? pair.stateDir : path.join(pair.remote, '.classpod-sync', 'staging'));
      if (op.side === 'local') await pair.restartLocal();
      else await pair.restartWorkspace();
      return;
  }
}

/** Put a stale temporary file (as a kill mid-write leaves) in the first folder of `root`, and one in `stateDir`. */
async function leaveTempFile(root: string, stateDir: string): Promise<void> {
  const names = (await fs.readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && !d.name.startsWith('.'));
  const dir = names.length > 0 ? path.join(root, names[0]!.name) : root;
  // Random names, as a real writer's are: a scan still walking from a cut cycle may be removing an earlier one.
  for (const [folder, name] of [[dir, `.h.c.classpod-tmp-${randomBytes(8).toString('hex')}`], [stateDir, `.ancestor.json.classpod-tmp-${randomBytes(8).toString('hex')}`]] as const) {
    const abs = path.join(folder, name);
    if (!(await fs.writeFile(abs, 'part of a file').then(() => true, () => false))) continue;
    await fs.utimes(abs, new Date('2020-01-01'), new Date('2020-01-01'));
  }
}

/** Run ops, settle, and check both properties. */
export async function checkConvergence(ops: readonly Op[]): Promise<void> {
  const pair = await SyncPair.create();
  try {
    const versions = new Versions();
    for (const op of ops) await applyOp(pair, op, versions);
    pair.disconnect();
    await pair.settle(8);
    const local = await snapshot(pair.local);
    const remote = await snapshot(pair.remote);
    const paths = [...new Set([...local.keys(), ...remote.keys()])].sort();
    for (const q of paths) {
      assert.ok(sameEntry(local.get(q), remote.get(q)), `${q} differs: local ${JSON.stringify(local.get(q))}, workspace ${JSON.stringify(remote.get(q))}`);
    }
    const present = new Set<string>();
    for (const [q, e] of local) if (e.kind === 'file') present.add(versionOf(await fs.readFile(path.join(pair.local, q), 'utf8')));
    for (const v of versions.written) {
      if ((versions.superseded.get(v)?.size ?? 0) > 0) continue;
      assert.ok(present.has(v), `version ${v.trim()} was lost; the tree holds ${[...present].map((x) => x.trim()).join(', ')}`);
    }
    const left: string[] = [];
    for (const root of [pair.local, pair.remote, pair.stateDir]) for (const f of await namesUnder(root, isTempName)) left.push(path.relative(pair.base, path.join(root, f)));
    assert.deepEqual(left, [], 'no temporary file survives');
  } finally {
    await pair.dispose();
  }
}

// CI has the time for thousands of histories; a developer's run stays quick.
// A failing history is shrunk by fast-check; keep it among the named cases below.
const runs = Number(process.env.SYNC_PROPERTY_RUNS ?? (process.env.CI ? 2000 : 600));

describe('sync convergence (property)', function () {
  this.timeout(0);

  // Shrunk counterexamples found by this property, kept as named cases.
  const regressions: Array<[string, Op[]]> = [
    ['a cut armed before any transfer, then a write and a sync', [{ kind: 'syncCut', after: 0 }, { kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'sync' }]],
    ['a file written where the other side later deletes a child of a folder of that name', [{ kind: 'write', side: 'workspace', path: 'd' }, { kind: 'delete', side: 'workspace', path: 'd/c.txt' }]],
    ['a big file cut mid-transfer, then both sides restart', [{ kind: 'write', side: 'local', path: 'a.txt', big: true }, { kind: 'syncCut', after: 70_000 }, { kind: 'restart', side: 'local' }, { kind: 'restart', side: 'workspace' }]],
    ['both sides edit the same file while offline', [{ kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'sync' }, { kind: 'disconnect' }, { kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'write', side: 'workspace', path: 'a.txt' }]],
    ['one side replaces a folder with a file while the other adds to the folder', [{ kind: 'write', side: 'local', path: 'd/c.txt' }, { kind: 'sync' }, { kind: 'delete', side: 'local', path: 'd' }, { kind: 'write', side: 'local', path: 'd' }, { kind: 'write', side: 'workspace', path: 'd/e' }]],
    ['a rename on one side and an edit of the old name on the other', [{ kind: 'write', side: 'local', path: 'b' }, { kind: 'sync' }, { kind: 'rename', side: 'local', from: 'b', to: 'a.txt' }, { kind: 'write', side: 'workspace', path: 'b' }]],
    ['a deletion reaches the workspace, its answer is cut, the file is restored offline', [{ kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'sync' }, { kind: 'delete', side: 'local', path: 'a.txt' }, { kind: 'syncCutAround', method: 'sync/apply', at: 'reply' }, { kind: 'revert', side: 'local', path: 'a.txt', back: 0 }, { kind: 'sync' }]],
    ['an edit reaches the workspace, its answer is cut, the edit is undone', [{ kind: 'write', side: 'local', path: 'b' }, { kind: 'sync' }, { kind: 'write', side: 'local', path: 'b' }, { kind: 'syncCutAround', method: 'sync/apply', at: 'reply' }, { kind: 'revert', side: 'local', path: 'b', back: 1 }]],
    ['a kill of the workspace side leaves a temporary file in a folder the other side deletes', [{ kind: 'write', side: 'local', path: 'd/c.txt' }, { kind: 'sync' }, { kind: 'restart', side: 'workspace', leftover: true }, { kind: 'delete', side: 'local', path: 'd' }]],
    ['a folder replaced by a file on one side while the other undoes an edit inside it', [{ kind: 'write', side: 'local', path: 'f/g/h.c' }, { kind: 'syncFocused' }, { kind: 'write', side: 'workspace', path: 'f/g' }, { kind: 'write', side: 'local', path: 'f/g/h.c' }, { kind: 'revert', side: 'local', path: 'f/g/h.c', back: 1 }]],
    [
      'a kill leaves a temporary file, a cycle is cut before its scan request, another kill leaves one more',
      [{ kind: 'restart', side: 'local', leftover: true }, { kind: 'syncCutAround', method: 'sync/scan', at: 'request' }, { kind: 'restart', side: 'local', leftover: true }],
    ],
    ['two quick saves of the same size between syncs', [{ kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'sync' }, { kind: 'write', side: 'local', path: 'a.txt' }, { kind: 'sync' }, { kind: 'write', side: 'local', path: 'a.txt' }]],
  ];
  for (const [name, ops] of regressions) it(name, () => checkConvergence(ops));

  it(`converges and loses no saved version over ${runs} random histories, each with a fault`, async () => {
    await fc.assert(fc.asyncProperty(historyArb, (ops) => checkConvergence(ops)), {
      numRuns: runs,
      ...(process.env.SYNC_PROPERTY_SEED ? { seed: Number(process.env.SYNC_PROPERTY_SEED) } : {}),
    });
  });
});
