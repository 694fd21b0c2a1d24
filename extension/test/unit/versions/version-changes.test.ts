import * as assert from 'node:assert/strict';
import type { SnapshotFile, VersionSummary } from '@classpod/protocol';
import { changedFiles, fileHistory, type VersionWithFiles } from '../../../src/versions/version-changes';

const file = (path: string, sha256: string, size = 10, mode = 0o644): SnapshotFile => ({ path, sha256, size, mode });
const version = (id: string, minute: number): VersionSummary => ({
  id,
  courseId: 'c1',
  assignmentId: 'a1',
  studentId: 's1',
  recordedAt: new Date(Date.UTC(2026, 11, 1, 14, minute)).toISOString(),
  manifestHash: id.padEnd(64, '0'),
  fileCount: 1,
  totalBytes: 10,
});

describe('changedFiles', () => {
  it('names the files added, modified and deleted, sorted by path', () => {
    const older = [file('a.c', 'h1'), file('b.c', 'h2'), file('gone.txt', 'h3')];
    const newer = [file('a.c', 'h1'), file('b.c', 'h9'), file('new.h', 'h4')];
    assert.deepEqual(
      changedFiles(older, newer).map((c) => [c.path, c.change]),
      [
        ['b.c', 'modified'],
        ['gone.txt', 'deleted'],
        ['new.h', 'added'],
      ],
    );
  });

  it('counts a file made executable as modified, and every file of the first version as added', () => {
    assert.deepEqual(changedFiles([file('run.sh', 'h1')], [file('run.sh', 'h1', 10, 0o755)]).map((c) => c.change), ['modified']);
    assert.deepEqual(changedFiles(undefined, [file('b', 'h'), file('a', 'h')]).map((c) => [c.path, c.change]), [
      ['a', 'added'],
      ['b', 'added'],
    ]);
  });

  it('finds nothing between identical manifests', () => {
    assert.deepEqual(changedFiles([file('a', 'h')], [file('a', 'h')]), []);
  });
});

describe('fileHistory', () => {
  // Newest first, as the hub lists them: v4 changed other.c only, v3 changed main.c, v2 created it.
  const versions: VersionWithFiles[] = [
    { version: version('v4', 40), files: [file('main.c', 'm2'), file('other.c', 'o2')] },
    { version: version('v3', 30), files: [file('main.c', 'm2'), file('other.c', 'o1')] },
    { version: version('v2', 20), files: [file('main.c', 'm1'), file('other.c', 'o1')] },
    { version: version('v1', 10), files: [file('other.c', 'o1')] },
  ];

  it('lists the versions in which the file took a new content, newest first', () => {
    const h = fileHistory(versions, 'main.c', 'm9');
    assert.deepEqual(h.map((x) => [x.version.id, x.change, x.current]), [
      ['v3', 'modified', false],
      ['v2', 'added', false],
    ]);
  });

  it('marks the version whose content is the file now', () => {
    assert.deepEqual(fileHistory(versions, 'main.c', 'm2').map((x) => x.current), [true, false]);
  });

  it('has nothing for a file no version holds', () => {
    assert.deepEqual(fileHistory(versions, 'absent.c', undefined), []);
  });

  it('shows a file deleted and created again as created again', () => {
    const h = fileHistory(
      [
        { version: version('v3', 30), files: [file('x', 'h2')] },
        { version: version('v2', 20), files: [] },
        { version: version('v1', 10), files: [file('x', 'h1')] },
      ],
      'x',
      'h2',
    );
    assert.deepEqual(h.map((x) => [x.version.id, x.change]), [
      ['v3', 'added'],
      ['v1', 'added'],
    ]);
  });

  it('keeps the oldest version of a cut-off list unless it repeats the state above it', () => {
    const cut = versions.slice(0, 2); // v4, v3: both hold m2
    assert.deepEqual(fileHistory(cut, 'main.c', 'm2', false).map((x) => x.version.id), ['v3']);
    const cut2 = versions.slice(1, 3); // v3 (m2), v2 (m1)
    assert.deepEqual(fileHistory(cut2, 'main.c', 'm2', false).map((x) => x.version.id), ['v3', 'v2']);
  });
});
