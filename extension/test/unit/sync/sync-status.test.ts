import * as assert from 'node:assert/strict';
import { describeSync, summariseSync } from '../../../src/sync/sync-status';

describe('sync status', function () {
  it('counts the files still moving while syncing', function () {
    const s = summariseSync('syncing', { phase: 'transferring', filesDone: 2, filesTotal: 5, bytesDone: 0, bytesTotal: 0 }, 0);
    assert.deepEqual(s, { kind: 'syncing', files: 3 });
    assert.equal(describeSync(s, 'c-sum').text, '$(sync~spin) Syncing 3 files');
  });

  it('says offline — edits kept when the workspace cannot be reached', function () {
    assert.equal(describeSync(summariseSync('offline', undefined, 0), 'c-sum').text, '$(cloud-offline) Offline — edits kept');
  });

  it('puts conflicts before synced and offline, but not before a running sync', function () {
    assert.deepEqual(summariseSync('idle', undefined, 2), { kind: 'conflicts', count: 2 });
    assert.deepEqual(summariseSync('offline', undefined, 1), { kind: 'conflicts', count: 1 });
    assert.equal(summariseSync('syncing', undefined, 1).kind, 'syncing');
    assert.equal(describeSync({ kind: 'conflicts', count: 2 }, 'c-sum').text, '$(warning) Conflicts: 2');
  });

  it('says synced when idle without conflicts', function () {
    assert.equal(describeSync(summariseSync('idle', undefined, 0), 'c-sum').text, '$(check) Synced');
  });

  it('tells the student the workspace disk is full and which file did not fit', function () {
    const s = summariseSync('idle', undefined, 1, ['big.bin']);
    assert.deepEqual(s, { kind: 'disk-full', files: ['big.bin'] });
    const { text, tooltip } = describeSync(s, 'c-sum');
    assert.equal(text, '$(error) Workspace disk full');
    assert.match(tooltip, /^The workspace disk is full: big\.bin did not fit\./);
  });
});
