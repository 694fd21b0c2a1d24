import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  defaultAssignmentFolder,
  findAssignmentFolders,
  syncStateDir,
  writeStarterFiles,
} from '../../../src/courses/assignment-folder';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('assignment folders', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'classpod-ext-folder-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places new assignments under the local root setting, or ~/Classpod', function () {
    assert.equal(defaultAssignmentFolder('', 'cs101', 'hello-c', '/home/ada'), '/home/ada/Classpod/cs101/hello-c');
    assert.equal(defaultAssignmentFolder('~/courses', 'cs101', 'hello-c', '/home/ada'), '/home/ada/courses/cs101/hello-c');
    assert.equal(defaultAssignmentFolder('/srv/work', 'cs101', 'hello-c', '/home/ada'), '/srv/work/cs101/hello-c');
  });

  it('writes starter files but never overwrites the student work', async function () {
    writeFileSync(path.join(dir, 'main.c'), 'my work');
    const r = await writeStarterFiles(dir, [
      { path: 'main.c', contentBase64: b64('starter') },
      { path: 'run.sh', contentBase64: b64('#!/bin/sh\n'), mode: 0o755 },
      { path: '.classpod/assignment.json', contentBase64: b64('{"id":"hello-c","courseId":"cs101"}') },
    ]);
    assert.deepEqual(r, { written: ['run.sh', '.classpod/assignment.json'], kept: ['main.c'] });
    assert.equal(readFileSync(path.join(dir, 'main.c'), 'utf8'), 'my work');
    assert.equal(statSync(path.join(dir, 'run.sh')).mode & 0o777, 0o755);
  });

  it('refuses starter paths that leave the folder', async function () {
    await assert.rejects(() => writeStarterFiles(dir, [{ path: '../evil', contentBase64: '' }]), /leaves the assignment folder/);
    await assert.rejects(() => writeStarterFiles(dir, [{ path: '/etc/x', contentBase64: '' }]), /not a relative path/);
  });

  it('finds assignment folders at the top and one level down', async function () {
    mkdirSync(path.join(dir, 'a', '.classpod'), { recursive: true });
    writeFileSync(path.join(dir, 'a', '.classpod', 'assignment.json'), '{"id":"a","courseId":"cs101"}');
    mkdirSync(path.join(dir, 'b'));
    const found = await findAssignmentFolders([dir]);
    assert.deepEqual(found.map((f) => [path.basename(f.folder), f.marker.id]), [['a', 'a']]);
  });

  it('keeps sync state outside the folder, one per folder', function () {
    const a = syncStateDir('/state', '/home/ada/Classpod/cs101/a');
    assert.notEqual(a, syncStateDir('/state', '/elsewhere/cs101/a'));
    assert.ok(a.startsWith('/state/sync/a-'));
  });
});
