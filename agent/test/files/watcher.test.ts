import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type FileChange } from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { TreeWatcher } from '../../src/files/watcher';
import { cleanup, defer, tempDir } from '../helpers';

/** A watch on `dir` that records every batch; `until` resolves once `pred` holds after a batch. */
async function watchRecorded(dir: string): Promise<{ batches: FileChange[][]; until: (pred: () => boolean) => Promise<void>; kind: (p: string) => string | undefined }> {
  const changes: FileChange[] = [];
  const batches: FileChange[][] = [];
  let wake: () => void = () => undefined;
  const w = await TreeWatcher.start({
    dir,
    relative: (abs) => path.relative(dir, abs),
    debounceMs: 30,
    logger: silentLogger,
    onChanges: (batch) => {
      changes.push(...batch);
      batches.push(batch);
      wake();
    },
  });
  defer(() => w.close());
  const until = (pred: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => (pred() ? resolve() : void (wake = check));
      check();
    });
  const kind = (p: string): string | undefined => changes.filter((c) => c.path === p).at(-1)?.kind;
  return { batches, until, kind };
}

describe('tree watcher (one watcher per directory)', () => {
  afterEach(cleanup);

  it('reports creations, changes and deletions anywhere below, once per path', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'a'));
    writeFileSync(path.join(dir, 'a', 'old.txt'), 'old');
    const { batches, until, kind } = await watchRecorded(dir);

    writeFileSync(path.join(dir, 'a', 'old.txt'), 'new content');
    mkdirSync(path.join(dir, 'a', 'b'));
    await until(() => kind('a/b') === 'created');
    // A file in a directory that did not exist when the watch started.
    writeFileSync(path.join(dir, 'a', 'b', 'deep.txt'), 'deep');
    await until(() => kind('a/b/deep.txt') === 'created');
    assert.equal(kind('a/old.txt'), 'changed');
    rmSync(path.join(dir, 'a', 'old.txt'));
    await until(() => kind('a/old.txt') === 'deleted');
    for (const batch of batches) {
      const paths = batch.map((c) => c.path);
      assert.equal(new Set(paths).size, paths.length, `a batch names each path once: ${paths.join(' ')}`);
    }
  });

  it('reports changes inside version control and dependency folders too, as an editor shows them', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    const { until, kind } = await watchRecorded(dir);
    writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(dir, 'node_modules', 'pkg', 'index.js'), 'module.exports = 1;\n');
    await until(() => kind('.git/HEAD') === 'created' && kind('node_modules/pkg/index.js') === 'created');
  });
});
