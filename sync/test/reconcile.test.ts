import assert from 'node:assert/strict';
import { nextAncestor, reconcile, type Entry, type Manifest } from '../src';

const now = new Date('2026-11-24T18:15:09Z');
const file = (hash: string, executable = false): Entry => ({ kind: 'file', hash: hash.repeat(64).slice(0, 64), size: 1, executable });
const dir: Entry = { kind: 'dir' };
const m = (entries: Record<string, Entry>): Manifest => new Map(Object.entries(entries));
const plan = (a: Record<string, Entry>, l: Record<string, Entry>, r: Record<string, Entry>, caseInsensitive = false) =>
  reconcile({ ancestor: m(a), local: m(l), remote: m(r), caseInsensitive, now });

describe('reconcile', () => {
  it('takes a change made on one side only', () => {
    const p = plan({ 'a.c': file('1') }, { 'a.c': file('2') }, { 'a.c': file('1') });
    assert.deepEqual(p.remoteChanges, [{ path: 'a.c', old: file('1'), new: file('2') }]);
    assert.deepEqual(p.localChanges, []);
    const q = plan({ 'a.c': file('1') }, { 'a.c': file('1') }, {});
    assert.deepEqual(q.localChanges, [{ path: 'a.c', old: file('1'), new: null }]);
  });

  it('does nothing for the same change on both sides', () => {
    const p = plan({ 'a.c': file('1') }, { 'a.c': file('2') }, { 'a.c': file('2') });
    assert.deepEqual([p.localChanges, p.remoteChanges, p.conflicts], [[], [], []]);
  });

  it('keeps the local version under the name and the workspace version as a conflict copy', () => {
    const p = plan({ src: dir, 'src/a.c': file('1') }, { src: dir, 'src/a.c': file('2') }, { src: dir, 'src/a.c': file('3') });
    assert.deepEqual(p.conflicts, [{ path: 'src/a.c', kind: 'content', copyPath: 'src/a.conflict-workspace-20261124-181509.c', copySide: 'workspace' }]);
    assert.deepEqual(p.remoteChanges.map((c) => c.path), ['src/a.c', 'src/a.conflict-workspace-20261124-181509.c']);
    assert.deepEqual(p.localChanges, [{ path: 'src/a.conflict-workspace-20261124-181509.c', old: null, new: file('3') }]);
  });

  it('reuses a conflict copy of the same version instead of making another', () => {
    const copy = 'a.conflict-workspace-20261101-101010.c';
    const p = plan({ 'a.c': file('1') }, { 'a.c': file('2') }, { 'a.c': file('3'), [copy]: file('3') });
    assert.equal(p.conflicts[0]?.copyPath, copy);
    assert.deepEqual(p.localChanges.map((c) => c.path), [copy]);
  });

  it('lets an edit win over a deletion', () => {
    const p = plan({ 'a.c': file('1') }, {}, { 'a.c': file('2') });
    assert.deepEqual(p.localChanges, [{ path: 'a.c', old: null, new: file('2') }]);
    assert.equal(p.conflicts.length, 0);
  });

  it('makes a file executable when both changed it only in mode', () => {
    const p = plan({ 'run.sh': file('1') }, { 'run.sh': file('2', true) }, { 'run.sh': file('2') });
    assert.deepEqual(p.target.get('run.sh'), file('2', true));
  });

  it('keeps the folder and copies the file when one side turned a file into a folder', () => {
    const p = plan({ lib: file('1') }, { lib: dir, 'lib/x.c': file('4') }, { lib: file('2') });
    assert.deepEqual(p.conflicts, [{ path: 'lib', kind: 'file-folder', copyPath: 'lib.conflict-workspace-20261124-181509', copySide: 'workspace' }]);
    assert.deepEqual(p.target.get('lib'), dir);
  });

  it('restores a deleted folder that the other side added a file to', () => {
    const p = plan({ t: dir, 't/1': file('1') }, {}, { t: dir, 't/1': file('1'), 't/2': file('2') });
    assert.deepEqual(p.target.get('t'), dir);
    assert.deepEqual(p.localChanges.map((c) => c.path), ['t', 't/2']);
    assert.deepEqual(p.remoteChanges, [{ path: 't/1', old: file('1'), new: null }]);
  });

  it('moves a file that stands where the other side needs a folder into a conflict copy', () => {
    const p = plan({ d: dir }, { d: file('9') }, { d: dir, 'd/new': file('1') });
    assert.equal(p.target.get('d')?.kind, 'dir');
    assert.deepEqual(p.conflicts.map((c) => [c.path, c.copySide, c.copyPath]), [['d', 'local', 'd.conflict-local-20261124-181509']]);
  });

  it('leaves names that collide ignoring case alone on a case-insensitive disk, and reports them', () => {
    const p = plan({}, {}, { 'README.md': file('1'), 'readme.md': file('2'), 'ok.txt': file('3') }, true);
    assert.deepEqual(p.localChanges.map((c) => c.path), ['ok.txt']);
    assert.equal(p.problems[0]?.kind, 'case-collision');
    const sensitive = plan({}, {}, { 'README.md': file('1'), 'readme.md': file('2') }, false);
    assert.equal(sensitive.localChanges.length, 2);
  });

  it('keeps the old ancestor entry of a path whose change failed', () => {
    const a = m({ 'a.c': file('1'), 'b.c': file('1') });
    const p = reconcile({ ancestor: a, local: m({ 'a.c': file('2'), 'b.c': file('2') }), remote: a, caseInsensitive: false, now });
    const next = nextAncestor(a, p, new Set(['a.c']));
    assert.deepEqual(next.get('a.c'), file('1'));
    assert.deepEqual(next.get('b.c'), file('2'));
  });
});
