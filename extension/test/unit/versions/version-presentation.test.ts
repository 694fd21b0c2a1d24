import * as assert from 'node:assert/strict';
import type { VersionSummary } from '@classpod/protocol';
import { changeCounts, diffTitle, fileVersionItems, versionAuthors, versionRow, versionTime } from '../../../src/versions/version-presentation';
import { parseVersionDocumentPath, versionDocumentPath } from '../../../src/versions/version-uri';

const now = new Date('2026-12-01T16:00:00Z');
const v: VersionSummary = {
  id: 'v_abc',
  courseId: 'c1',
  assignmentId: 'a1',
  studentId: 's1',
  recordedAt: '2026-12-01T15:32:05.000Z',
  manifestHash: 'f'.repeat(64),
  fileCount: 3,
  totalBytes: 2048,
};

describe('version presentation', () => {
  it('shows a time of today as a clock time, another day with its date, in the reader’s zone', () => {
    assert.equal(versionTime(v.recordedAt, now, 'UTC'), '15:32:05');
    assert.equal(versionTime(v.recordedAt, now, 'Europe/Paris'), '16:32:05');
    assert.equal(versionTime('2026-11-28T09:05:00Z', now, 'UTC'), 'Sat 28 Nov, 09:05');
  });

  it('lists a file’s versions with their age, size and whether they are the file now', () => {
    const items = fileVersionItems(
      [
        { version: v, file: { path: 'main.c', sha256: 'a', size: 1536, mode: 420 }, change: 'modified', current: false },
        { version: { ...v, id: 'v_old', recordedAt: '2026-12-01T14:00:00Z' }, file: { path: 'main.c', sha256: 'b', size: 12, mode: 420 }, change: 'added', current: true },
      ],
      now,
      'UTC',
    );
    assert.deepEqual(items, [
      { label: '$(history) 15:32:05', description: '27 minutes ago · 1.5 KiB', detail: 'changed', versionId: 'v_abc' },
      { label: '$(history) 14:00:00', description: '2 hours ago · 12 B', detail: 'same as your file now', versionId: 'v_old' },
    ]);
  });

  it('describes a version row by what it changed from the version before', () => {
    const row = versionRow(v, [
      { path: 'a.c', change: 'modified' },
      { path: 'b.c', change: 'modified' },
      { path: 'n.h', change: 'added' },
    ], now, 'UTC');
    assert.equal(row.label, '15:32:05');
    assert.equal(row.description, '27 minutes ago · 2 changed, 1 added');
    assert.match(row.tooltip.join('\n'), /3 file\(s\), 2\.0 KiB/);
    assert.match(row.tooltip.join('\n'), /~ a\.c\n~ b\.c\n\+ n\.h/);
    assert.equal(versionRow(v, undefined, now, 'UTC').description, '27 minutes ago');
    assert.equal(changeCounts([]), 'no file changed');
    assert.equal(changeCounts([{ path: 'x', change: 'deleted' }]), '1 deleted');
  });

  it('titles a diff by the file’s name and the two times', () => {
    assert.equal(diffTitle('src/main.c', v, 'now', now, 'UTC'), 'main.c (15:32:05 ↔ now)');
    assert.equal(diffTitle('main.c', undefined, v, now, 'UTC'), 'main.c (none ↔ 15:32:05)');
  });
});

describe('version document addresses', () => {
  it('reads back what it wrote, with odd characters in the path', () => {
    for (const doc of [
      { kind: 'version' as const, versionId: 'v_1', path: 'src/a b#c?.c' },
      { kind: 'empty' as const, path: 'deep/x/%20.txt' },
    ]) {
      assert.deepEqual(parseVersionDocumentPath(versionDocumentPath(doc)), doc);
    }
  });

  it('refuses an address that names no file', () => {
    assert.throws(() => parseVersionDocumentPath('/version/v_1'), /does not name a file/);
    assert.throws(() => parseVersionDocumentPath('/submissions/x/y'), /does not name a file/);
    assert.throws(() => parseVersionDocumentPath('/empty/'), /does not name a file/);
  });

  it('names the members whose edits made a version of a group workspace, in the picker and the professor’s row', () => {
    const byAna = { ...v, authors: [{ personId: 'ana', name: 'Ana' }, { personId: 'ben' }] };
    assert.equal(versionAuthors(byAna), 'by Ana, ben');
    assert.equal(versionAuthors(v), undefined, 'a student’s own version names nobody');
    const [item] = fileVersionItems([{ version: byAna, file: { path: 'main.c', sha256: 'a', size: 12, mode: 420 }, change: 'modified', current: false }], now, 'UTC');
    assert.match(item!.description, /· by Ana, ben ·/);
    const row = versionRow(byAna, [], now, 'UTC');
    assert.match(row.description, /by Ana, ben/);
    assert.match(row.tooltip[0]!, /edits by Ana, ben/);
  });
});
