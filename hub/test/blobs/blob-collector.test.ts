// Reclaiming blobs, with a real hub and a real agent, checked on disk: once
// retention removed the versions that named them, their contents and
// manifests are removed, while every blob a kept version, a submission or an
// assignment names stays readable; a blob written or reused within the grace
// time stays whatever names it (a writer about to reference it), and
// collecting while versions are being recorded leaves every recorded version
// whole.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteRequest, ListVersionsRequest, SubmitRequest } from '@classpod/protocol';
import { waitFor } from '@classpod/test-support';
import { BlobCollector } from '../../src/blobs/blob-collector';
import { sha256Hex } from '../../src/blobs/blob-store';
import { startTestHub, testLogger, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';

const HOUR = 3_600_000;

describe('blob collection (real hub, real agent, the disk)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;

  beforeEach(async () => {
    // One version kept per folder: each new version removes the one before.
    t = await startTestHub({ versionDebounceMs: 100, versionRefreshMs: 300, versionKeepPerFolder: 1 });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const blobFile = (hash: string): string => join(t!.dataDir, 'blobs', hash.slice(0, 2), hash.slice(2));
  const blobFiles = (): string[] => {
    const dir = join(t!.dataDir, 'blobs');
    return readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)).map((n) => sub + n));
  };
  /** Make a blob look written long ago. */
  const age = (hash: string): void => {
    const then = new Date(Date.now() - 2 * HOUR);
    utimesSync(blobFile(hash), then, then);
  };
  const collector = (graceMs: number): BlobCollector => new BlobCollector(t!.hub.store.database.db, t!.hub.blobs, testLogger(), graceMs);

  /** Write sum.c through the gateway and wait until it is the newest version. */
  const edit = async (gateway: TestClient, alice: TestClient, text: string): Promise<void> => {
    await gateway.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from(text).toString('base64') });
    await waitFor(`the version with ${text}`, async () => {
      const [v] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
      if (!v) return undefined;
      const entry = (await t!.hub.blobs.manifest(v.manifestHash)).find((e) => e.path === 'sum.c');
      return entry?.sha256 === sha256Hex(text) ? v : undefined;
    });
  };

  /** Every blob named by a kept version, a submission or an assignment's starter files can be read. */
  const everythingNamedIsReadable = async (): Promise<void> => {
    const manifests = [
      ...(await t!.hub.store.database.db.selectFrom('versions').select('manifest_hash as h').execute()).map((r) => r.h),
      ...(await t!.hub.store.database.db.selectFrom('submissions').select('snapshot_hash as h').execute()).map((r) => r.h),
    ];
    assert.ok(manifests.length > 0);
    for (const m of manifests) for (const e of await t!.hub.blobs.manifest(m)) await t!.hub.blobs.get(e.sha256);
    for (const a of await t!.hub.store.assignments.list('cs101')) {
      const row = await t!.hub.store.database.db.selectFrom('assignments').select('starter_manifest as m').where('course_id', '=', 'cs101').where('id', '=', a.id).executeTakeFirstOrThrow();
      for (const e of JSON.parse(row.m) as Array<{ sha256: string }>) {
        await t!.hub.blobs.get(e.sha256);
      }
    }
  };

  it('removes what only removed versions named, and keeps what kept versions, submissions and assignments name', async () => {
    const alice = await t!.connect('alice');
    const gateway = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await edit(gateway, alice, '/* first, then submitted */\n');
    const [first] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    await edit(gateway, alice, '/* second, its version later removed */\n');
    await edit(gateway, alice, '/* third, the newest */\n');
    assert.equal((await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions.length, 1, 'retention kept one');

    const forgotten = sha256Hex('/* second, its version later removed */\n');
    const before = blobFiles();
    assert.ok(existsSync(blobFile(forgotten)));
    for (const h of before) age(h);

    const r = await collector(HOUR).collect();
    assert.ok(r.removed >= 2, JSON.stringify(r));
    assert.equal(existsSync(blobFile(forgotten)), false, 'the content only a removed version named is gone from disk');
    assert.equal(blobFiles().length, before.length - r.removed);
    // The first edit's content is kept: the submission names it (its version was removed).
    assert.ok(existsSync(blobFile(sha256Hex('/* first, then submitted */\n'))));
    assert.equal(existsSync(blobFile(first!.manifestHash)), true, 'the submission’s snapshot is that version’s manifest');
    await everythingNamedIsReadable();
    assert.equal((await collector(HOUR).collect()).removed, 0, 'a second collection finds nothing more');
  });

  it('keeps an unnamed blob written or reused within the grace time, and removes it once it is old', async () => {
    const orphan = await t!.hub.blobs.put(Buffer.from('nobody names me'));
    assert.equal((await collector(HOUR).collect()).removed, 0);
    assert.ok(existsSync(blobFile(orphan)), 'just written: a writer may be about to name it');
    age(orphan);
    // A writer reusing it (as the version recorder does with a content it already holds) makes it young again.
    assert.equal(await t!.hub.blobs.hold(orphan), true);
    assert.equal((await collector(HOUR).collect()).removed, 0);
    assert.ok(existsSync(blobFile(orphan)));
    age(orphan);
    const r = await collector(HOUR).collect();
    assert.equal(r.removed, 1);
    assert.equal(existsSync(blobFile(orphan)), false);
  });

  it('leaves every recorded version whole when it collects while versions are being recorded', async () => {
    const alice = await t!.connect('alice');
    const gateway = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await edit(gateway, alice, '/* warm up */\n');
    for (const h of blobFiles()) age(h);
    // Every blob so far looks old; collect over and over, with a grace time of a minute, while edits are recorded
    // (each reuses old blobs: the other files of the folder).
    let stop = false;
    const collecting = (async () => {
      while (!stop) await collector(60_000).collect();
    })();
    try {
      for (let i = 0; i < 5; i++) await edit(gateway, alice, `/* edit ${i} */\n`);
    } finally {
      stop = true;
      await collecting;
    }
    await everythingNamedIsReadable();
  });
});
