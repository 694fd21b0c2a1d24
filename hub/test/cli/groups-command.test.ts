// `classpod-hub groups save|list` as an operator uses it: the group it forms
// is the one the hub's API then serves (its members see it on the assignment),
// under the same rules as `groups/save` — a mistake exits with code 2, says
// why, and writes nothing. Saving a group judges its late work again: the
// members charged for its late days are its members as it stands.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAssignmentsRequest, UpdateCourseRequest } from '@classpod/protocol';
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

  it("judges a group's late work again when its members change: a member with no days left lowers what the group may use", async () => {
    const cSum = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    await t.hub.store.assignments.upsert({ ...cSum, id: 'team-late', title: 'Team late', groupMaxSize: 2, dueAt: '2026-01-01T00:00:00.000Z', cutoffAt: '2026-01-05T00:00:00.000Z', penaltyPercentPerDay: 10 });
    await (await t.connect('prof')).request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 1 });
    assert.equal(run(['groups', 'save', '--course', 'cs101', '--assignment', 'team-late', '--group', 'duo', '--members', 'alice']).status, 0);
    // The group's work, a day late: Alice's day covers it.
    await t.hub.store.submissions.add({
      id: 's-team-late', courseId: 'cs101', assignmentId: 'team-late', studentId: 'team-late--duo', snapshotHash: 'e'.repeat(64),
      submittedAt: '2026-01-01T01:00:00.000Z', source: 'submitted', late: true, penaltyPercent: 0, lateDaysUsed: 1, fileCount: 0, totalBytes: 0,
    });
    // Carol joins, having spent her day on her own late c-sum (handed in first): the group may use none now.
    await t.hub.store.assignments.upsert({ ...cSum, dueAt: '2025-12-20T00:00:00.000Z', cutoffAt: '2025-12-30T00:00:00.000Z' });
    await t.hub.store.submissions.add({
      id: 's-carol-csum', courseId: 'cs101', assignmentId: 'c-sum', studentId: 'carol', snapshotHash: 'e'.repeat(64),
      submittedAt: '2025-12-20T01:00:00.000Z', source: 'submitted', late: true, penaltyPercent: 0, lateDaysUsed: 1, fileCount: 0, totalBytes: 0,
    });
    const joined = run(['groups', 'save', '--course', 'cs101', '--assignment', 'team-late', '--group', 'duo', '--members', 'alice,carol']);
    assert.equal(joined.status, 0, joined.err);
    const judged = (await t.hub.store.submissions.list({ courseId: 'cs101', studentId: 'team-late--duo' }))[0]!;
    assert.deepEqual([judged.lateDaysUsed, judged.penaltyPercent], [0, 10]);
    // She leaves again: Alice's day is the group's once more.
    assert.equal(run(['groups', 'save', '--course', 'cs101', '--assignment', 'team-late', '--group', 'duo', '--members', 'alice']).status, 0);
    const back = (await t.hub.store.submissions.list({ courseId: 'cs101', studentId: 'team-late--duo' }))[0]!;
    assert.deepEqual([back.lateDaysUsed, back.penaltyPercent], [1, 0]);
  });
});
