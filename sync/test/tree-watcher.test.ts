// The tree watcher through a jail (the workspace side): folders made later are
// watched as they appear, with what they already hold, and a link to a folder
// outside is never watched.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TreeJail, TreeWatcher } from '../src';

describe('tree watcher through a jail', () => {
  let base: string;
  let jail: TreeJail;
  let watcher: TreeWatcher | undefined;
  beforeEach(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'classpod-watch-'));
    mkdirSync(path.join(base, 'root'));
    mkdirSync(path.join(base, 'outside'));
    jail = await TreeJail.open(path.join(base, 'root'), { links: 'none' });
  });
  afterEach(async () => {
    watcher?.close();
    await jail.close();
    rmSync(base, { recursive: true, force: true });
  });
  /** A watcher (not started) of the jail's root that records what it reports; `until` waits for a report after which `pred` holds. */
  const recording = (): { started: TreeWatcher; seen: string[]; until: (pred: () => boolean) => Promise<void> } => {
    const seen: string[] = [];
    let wake: () => void = () => undefined;
    const started = new TreeWatcher(jail.root, (paths) => {
      seen.push(...paths);
      wake();
    }, { jail, debounceMs: 5 });
    watcher = started;
    const until = async (pred: () => boolean): Promise<void> => {
      while (!pred()) await new Promise<void>((r) => (wake = r));
    };
    return { started, seen, until };
  };

  it('reports a change in a folder made after it started, and nothing from a folder outside reached by a link', async () => {
    const { started, seen, until } = recording();
    symlinkSync(path.join(base, 'outside'), path.join(jail.root, 'out'));
    await started.start();
    mkdirSync(path.join(jail.root, 'later'));
    await until(() => seen.includes('later'));
    // The new folder's own watcher is added once its creation is seen; retry the write until it reports.
    for (let i = 0; !seen.includes('later/file.txt'); i++) {
      writeFileSync(path.join(base, 'outside', `noise-${i}`), 'x');
      writeFileSync(path.join(jail.root, 'later/file.txt'), String(i));
      await Promise.race([until(() => seen.includes('later/file.txt')), new Promise((r) => setTimeout(r, 50))]);
    }
    assert.deepEqual(seen.filter((p) => p.startsWith('out/')), [], 'no change outside is reported');
  });

  it('reports the files of a folder moved in whole, which no watcher saw being written', async () => {
    const { started, seen, until } = recording();
    await started.start();
    mkdirSync(path.join(base, 'outside', 'made', 'deeper'), { recursive: true });
    writeFileSync(path.join(base, 'outside', 'made', 'deeper', 'inner.txt'), 'inner');
    renameSync(path.join(base, 'outside', 'made'), path.join(jail.root, 'made'));
    await until(() => seen.includes('made/deeper/inner.txt'));
    assert.ok(seen.includes('made') && seen.includes('made/deeper'), `the folders are reported too: ${seen.join(' ')}`);
  });
});
