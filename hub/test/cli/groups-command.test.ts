// `classpod-hub groups save|list` as an operator uses it: the group it forms
// is the one the hub's API then serves (its members see it on the assignment),
// under the same rules as `groups/save` — a mistake exits with code 2, says
// why, and writes nothing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAssignmentsRequest } from '@classpod/protocol';
import { HUB_CLI } from '../support/hub-process';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('classpod-hub groups', function () {
  this.timeout(60_000);
  let dataDir: string;
  let t: TestHub;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-groups-'));
    t = await startTestHub({ dataDir });
    const cSum = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    await t.hub.store.assignments.upsert({ ...cSum, id: 'team-sum', title: 'Team sum', groupMaxSize: 2 });
  });
  after(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (args: string[]): { status: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };

  it('forms a group its members then see, and refuses one the rules forbid, storing nothing', async () => {
    const made = run(['groups', 'save', '--course', 'cs101', '--assignment', 'team-sum', '--group', 'team-a', '--members', 'alice,bob']);
    assert.equal(made.status, 0, made.err);
    assert.match(made.out, /^created group team-a of team-sum: alice, bob \(workspace cs101--team-sum--team-a\)$/m);
    const view = (await (await t.connect('alice')).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
    assert.deepEqual(view.group?.members.map((m) => m.personId), ['alice', 'bob']);

    const refused: Array<[string[], RegExp]> = [
      [['--group', 'team-b', '--members', 'alice,carol'], /alice is already in group team-a of team-sum/],
      [['--group', 'team-b', '--members', 'carol,dave'], /dave is not a student of course cs101/],
      [['--group', 'Team_B', '--members', 'carol'], /is not a group id/],
    ];
    for (const [args, text] of refused) {
      const r = run(['groups', 'save', '--course', 'cs101', '--assignment', 'team-sum', ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, text);
    }
    const other = run(['groups', 'save', '--course', 'cs101', '--assignment', 'c-sum', '--group', 'x', '--members', 'carol']);
    assert.equal(other.status, 2);
    assert.match(other.err, /c-sum is not a group assignment/);
    const listed = run(['groups', 'list', '--course', 'cs101']);
    assert.equal(listed.out, 'team-sum/team-a: alice, bob\n', 'nothing refused was stored');
  });
});
