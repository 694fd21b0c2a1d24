// Opening an assignment shows its description in the window that opens its
// folder: once, in that folder's window only, and not from a stale note.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DESCRIPTION_PATH, PendingDescription } from '../../../src/courses/pending-description';

describe("an assignment's description after its folder opens", function () {
  let dir: string;
  let folder: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'classpod-desc-'));
    folder = path.join(dir, 'c-sum');
    await fs.mkdir(path.join(folder, '.classpod'), { recursive: true });
    await fs.writeFile(path.join(folder, DESCRIPTION_PATH), '# Sum and mean\n');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('is shown once, by the window of that folder', async function () {
    const notes = new PendingDescription(path.join(dir, 'storage'));
    await notes.leave(folder);
    assert.equal(await notes.take([path.join(dir, 'other')]), undefined, 'another window leaves the note');
    assert.equal(await notes.take([folder]), path.join(folder, DESCRIPTION_PATH));
    assert.equal(await notes.take([folder]), undefined, 'taken once');
  });

  it('is not shown from a stale note, which is removed', async function () {
    let now = 1_000_000;
    const notes = new PendingDescription(path.join(dir, 'storage'), () => now);
    await notes.leave(folder);
    now += 60 * 60_000;
    assert.equal(await notes.take([path.join(dir, 'other')]), undefined);
    now -= 60 * 60_000;
    assert.equal(await notes.take([folder]), undefined, 'the stale note was removed');
  });

  it('is nothing when the folder has no description or no note was left', async function () {
    const notes = new PendingDescription(path.join(dir, 'storage'));
    assert.equal(await notes.take([folder]), undefined);
    await fs.rm(path.join(folder, DESCRIPTION_PATH));
    await notes.leave(folder);
    assert.equal(await notes.take([folder]), undefined);
  });
});
