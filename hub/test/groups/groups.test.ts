// Group assignments against a real hub, real agents and real sync sessions:
// staff form groups under the rules the hub enforces (students of the course,
// one group per student per assignment, the assignment's size limit); a
// group's members share one workspace — each syncs their own local folder
// with it and sees the other's edits — and no one else reaches it (another
// student, a member of another group, a student of another course, a forged
// workspace id); each version names the member whose edit made it; a
// submission by any member is the group's, and its one grade shows for every
// member in their own view, the gradebook and the export; the deadline
// collects the group once.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AddFeedbackRequest,
  ExportGradesRequest,
  ListFeedbackRequest,
  GetGradebookRequest,
  CreateRegradeRequestRequest,
  FollowHelpRequest,
  RaiseHandRequest,
  ListAssignmentsRequest,
  ListGroupsRequest,
  ListRegradeRequestsRequest,
  ListSimilarityPairsRequest,
  RunSimilarityRequest,
  SimilarityStatusRequest,
  ListSubmissionsRequest,
  ListVersionsRequest,
  ListWorkspacesRequest,
  OverrideScoreRequest,
  RemoveGroupRequest,
  SaveGroupRequest,
  SubmitRequest,
  type VersionSummary,
} from '@classpod/protocol';
import { SyncSession } from '@classpod/sync';
import { waitFor } from '@classpod/test-support';
import { refusalOf } from '../support/refusals';
import { HttpRefusal, type TestClient } from '../support/test-client';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';

const GROUP_WS = 'cs101--team-sum--team-a';

describe('group assignments', function () {
  this.timeout(180_000);
  let t: TestHub;
  const cleanups: Array<() => Promise<void> | void> = [];

  before(async () => {
    t = await startTestHub({ versionDebounceMs: 150, versionRefreshMs: 300 });
    // A group assignment: c-sum's files, groups of at most two.
    const base = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    const rest = base;
    await t.hub.store.assignments.upsert({ ...rest, id: 'team-sum', title: 'Team sum', dueAt: '2099-01-01T00:00:00.000Z', groupMaxSize: 2 });
  });
  after(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await t?.close();
  });

  const save = async (who: string, groupId: string, members: string[], assignmentId = 'team-sum') =>
    (await t.connect(who)).request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId, groupId, members });

  it('lets staff form groups and enforces who may be in one; a refused request stores nothing', async () => {
    const made = await save('prof', 'team-a', ['bob', 'alice']);
    assert.equal(made.created, true);
    assert.deepEqual(made.group.members, [{ personId: 'alice', name: 'Alice' }, { personId: 'bob', name: 'Bob' }]);
    assert.equal(made.group.workspaceId, GROUP_WS);
    assert.equal(made.group.connectPath, `/v1/workspaces/${GROUP_WS}/connect`);

    const refusals: Array<[string, string, string[], string, string, RegExp]> = [
      ['prof', 'team-b', ['carol'], 'c-sum', 'InvalidParams', /c-sum is not a group assignment/],
      ['prof', 'team-b', ['carol', 'prof'], 'team-sum', 'InvalidParams', /prof is not a student of course cs101/],
      ['prof', 'team-b', ['carol', 'dave'], 'team-sum', 'InvalidParams', /dave is not a student of course cs101/],
      ['prof', 'team-b', ['carol', 'alice'], 'team-sum', 'Conflict', /alice is already in group team-a of team-sum; one group per student per assignment/],
      ['tara', 'team-b', ['carol', 'alice', 'bob'], 'team-sum', 'InvalidParams', /at most 2 members; 3 were named/],
      ['prof', 'team-b', ['carol', 'carol'], 'team-sum', 'InvalidParams', /named twice/],
      ['carol', 'team-b', ['carol'], 'team-sum', 'Forbidden', /only the staff of course cs101/],
      ['olga', 'team-b', ['carol'], 'team-sum', 'Forbidden', /not a member of course cs101/],
    ];
    for (const [who, groupId, members, assignmentId, code, text] of refusals) {
      const r = await refusalOf(save(who, groupId, members, assignmentId));
      assert.equal(r.code, code, `${who} ${members.join(',')}: ${r.message}`);
      assert.match(r.message, text);
    }
    const prof = await t.connect('prof');
    assert.deepEqual(
      (await prof.request(ListGroupsRequest.type, { courseId: 'cs101' })).groups.map((g) => [g.groupId, g.members.map((m) => m.personId)]),
      [['team-a', ['alice', 'bob']]],
      'no refused group was stored',
    );
    // Students see their own group only.
    assert.equal((await (await t.connect('alice')).request(ListGroupsRequest.type, { courseId: 'cs101' })).groups.length, 1);
    assert.equal((await (await t.connect('carol')).request(ListGroupsRequest.type, { courseId: 'cs101' })).groups.length, 0);
    // The student sees the group on the assignment.
    const aliceView = (await (await t.connect('alice')).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
    assert.deepEqual(aliceView.group?.members.map((m) => m.name), ['Alice', 'Bob']);
    assert.equal(aliceView.group?.connectPath, `/v1/workspaces/${GROUP_WS}/connect`);
    assert.equal((await (await t.connect('carol')).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!.group, undefined);
  });

  it("lets no one but the group's members into its workspace: not another student, another group's member, another course's student, or a forged id", async () => {
    await save('prof', 'team-b', ['carol']);
    const attempts: Array<[string, string, number]> = [
      ['carol', GROUP_WS, 403], // a student of the course, member of another group
      ['dave', GROUP_WS, 403], // a student of another course
      ['olga', GROUP_WS, 403], // staff of another course
      ['carol', 'cs101--team-sum--team-zz', 403], // forged: no such group (a student learns nothing of it)
      ['prof', 'cs101--team-sum--team-zz', 404],
      ['alice', 'cs101--c-sum--team-a', 403], // a group id under another assignment
      ['alice', 'cs101--team-sum--team-b', 403], // the other group
      ['alice', 'cs101--team-sum--team-a--x', 404], // not a workspace id at all
      ['alice', 'cs101--bob', 403], // a teammate's own workspace stays theirs
    ];
    for (const [who, ws, status] of attempts) {
      await assert.rejects(t.connect(who, `/v1/workspaces/${encodeURIComponent(ws)}/connect`), (err: unknown) => err instanceof HttpRefusal && err.status === status, `${who} → ${ws}`);
    }
    for (const ws of ['team-sum--team-zz', 'c-sum--team-a', 'team-sum--team-b', 'team-sum--team-a']) {
      assert.equal(existsSync(join(t.dataDir, 'workspaces/cs101', ws)), false, `no workspace folder made for ${ws}`);
    }
  });

  it("has two members sync the group's one workspace, each seeing the other's edits, and names the member whose edit made each version", async () => {
    const sessions: Record<string, { session: SyncSession; local: string; gateway: TestClient }> = {};
    for (const who of ['alice', 'bob']) {
      const gateway = await t.connect(who, `/v1/workspaces/${GROUP_WS}/connect`);
      const local = mkdtempSync(join(tmpdir(), `classpod-group-${who}-`));
      const state = mkdtempSync(join(tmpdir(), `classpod-group-state-${who}-`));
      cleanups.push(() => rmSync(local, { recursive: true, force: true }), () => rmSync(state, { recursive: true, force: true }));
      const session = await SyncSession.open({ root: local, stateDir: state, remoteRoot: 'team-sum', ignore: [] });
      cleanups.push(() => session.close());
      await session.attach(gateway.endpoint);
      await session.syncNow();
      sessions[who] = { session, local, gateway };
    }
    assert.ok(existsSync(join(sessions.alice!.local, 'sum.c')), 'the starter files are in the group workspace');
    const alice = await t.connect('alice');
    const versions = (): Promise<VersionSummary[]> =>
      alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' }).then((r) => r.versions);
    const versionWith = (text: string) =>
      waitFor(`a version with ${text}`, async () => {
        const v = (await versions())[0];
        return v && v.fileCount > 0 && (await t.hub.blobs.manifest(v.manifestHash)).length > 0 && (await readVersion(v)).includes(text) ? v : undefined;
      });
    const readVersion = async (v: VersionSummary) => {
      const entry = (await t.hub.blobs.manifest(v.manifestHash)).find((e) => e.path === 'sum.c');
      return entry ? (await t.hub.blobs.get(entry.sha256)).toString('utf8') : '';
    };

    writeFileSync(join(sessions.alice!.local, 'sum.c'), '/* alice */ int main(void) { return 0; }\n');
    await sessions.alice!.session.syncNow();
    const byAlice = await versionWith('/* alice */');
    assert.deepEqual(byAlice.authors, [{ personId: 'alice', name: 'Alice' }]);
    assert.equal(byAlice.studentId, 'team-sum--team-a', "the group's history");
    await sessions.bob!.session.syncNow();
    assert.equal(readFileSync(join(sessions.bob!.local, 'sum.c'), 'utf8'), '/* alice */ int main(void) { return 0; }\n', "Alice's edit reached Bob");

    writeFileSync(join(sessions.bob!.local, 'sum.c'), '/* bob */ int main(void) { return 0; }\n');
    await sessions.bob!.session.syncNow();
    const byBob = await versionWith('/* bob */');
    assert.deepEqual(byBob.authors, [{ personId: 'bob', name: 'Bob' }]);
    await sessions.alice!.session.syncNow();
    assert.equal(readFileSync(join(sessions.alice!.local, 'sum.c'), 'utf8'), '/* bob */ int main(void) { return 0; }\n', "Bob's edit reached Alice");
    // The professor's workspace list holds the group's workspace, named by its members; Carol's holds none of it.
    const listed = (await (await t.connect('prof')).request(ListWorkspacesRequest.type, { courseId: 'cs101' })).workspaces.find((w) => w.workspaceId === GROUP_WS);
    assert.deepEqual([listed?.studentName, listed?.state], ['Group team-a (team-sum): Alice, Bob', 'running']);
    assert.ok(!(await (await t.connect('carol')).request(ListWorkspacesRequest.type, { courseId: 'cs101' })).workspaces.some((w) => w.workspaceId === GROUP_WS));
    // Bob and the professor read the same history.
    const bobsList = (await (await t.connect('bob')).request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' })).versions;
    const profsList = (await (await t.connect('prof')).request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', studentId: 'alice' })).versions;
    assert.deepEqual(bobsList.map((v) => v.id), (await versions()).map((v) => v.id));
    assert.deepEqual(profsList.map((v) => v.id), bobsList.map((v) => v.id));
    assert.equal((await refusalOf((await t.connect('carol')).request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', studentId: 'alice' }))).code, 'Forbidden');
    for (const s of Object.values(sessions)) s.session.detach();
  });

  it("makes a submission by any member the group's, with one grade every member sees, in the gradebook and the export", async () => {
    const bob = await t.connect('bob');
    const { submission } = await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    assert.equal(submission.studentId, 'team-sum--team-a');
    const prof = await t.connect('prof');
    await prof.request(OverrideScoreRequest.type, { submissionId: submission.id, score: 7, comment: 'team work' });
    await prof.request(AddFeedbackRequest.type, { submissionId: submission.id, path: 'sum.c', line: 1, body: 'Good start, both of you.' });
    for (const who of ['alice', 'bob']) {
      const { comments } = await (await t.connect(who)).request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
      assert.deepEqual(comments.map((c) => c.body), ['Good start, both of you.'], `${who} reads the feedback on the group's work`);
    }
    for (const who of ['alice', 'bob']) {
      const c = await t.connect(who);
      const view = (await c.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
      assert.deepEqual([view.latestSubmissionId, view.score, view.state], [submission.id, 7, 'graded'], who);
      assert.deepEqual((await c.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' })).submissions.map((s) => s.id), [submission.id], who);
    }
    const carolView = (await (await t.connect('carol')).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
    assert.equal(carolView.latestSubmissionId, undefined, "another group's grade is not Carol's");
    assert.equal((await refusalOf((await t.connect('carol')).request(ListSubmissionsRequest.type, { courseId: 'cs101', studentId: 'alice' }))).code, 'Forbidden');

    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    const cell = (s: string) => book.cells.find((c) => c.studentId === s && c.assignmentId === 'team-sum')!;
    assert.deepEqual([cell('alice').submissionId, cell('alice').score], [submission.id, 7]);
    assert.deepEqual([cell('bob').submissionId, cell('bob').score], [submission.id, 7]);
    assert.equal(cell('carol').submissionId, undefined);
    assert.ok(!book.students.some((s) => s.id.includes('--')), 'a group is no row of its own');

    const { csv } = await prof.request(ExportGradesRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    const rows = csv.trim().split('\r\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(rows.map((r) => [r[0], r[8]]), [['alice', '7'], ['bob', '7'], ['carol', '']]);

    // A group that handed work in stays: its submissions carry its members' grade.
    assert.equal((await refusalOf(prof.request(RemoveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', groupId: 'team-a' }))).code, 'Conflict');
  });

  it("lets any member ask for a regrade of the group's submission, which every member and the staff see under the group's name; no one else may ask", async () => {
    const w = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    cleanups.push(() => w.close());
    for (let job = await w.lease(300); job; job = await w.lease(300)) assert.equal(await w.report(job, await gradeJob(job)), true);
    const { submissions } = await (await t.connect('alice')).request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    const groupWork = submissions[0]!;
    assert.equal(groupWork.studentId, 'team-sum--team-a');
    const ask = async (who: string) => (await t.connect(who)).request(CreateRegradeRequestRequest.type, { submissionId: groupWork.id, message: 'Test 2 reads the wrong file.' });
    const carol = await refusalOf(ask('carol'));
    assert.equal(carol.code, 'Forbidden', "another group's student may not ask about it");
    assert.equal((await t.hub.store.regradeRequests.list({ courseId: 'cs101', all: true })).length, 0, 'nothing stored');
    const { request } = await ask('alice');
    assert.equal(request.studentId, 'team-sum--team-a');
    assert.equal((await refusalOf(ask('bob'))).code, 'Conflict', 'one open request for the group, whoever asks');
    const seen = async (who: string) => (await (await t.connect(who)).request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests.map((r) => r.id);
    assert.deepEqual(await seen('bob'), [request.id], 'the other member sees it');
    assert.deepEqual(await seen('carol'), [], 'Carol does not');
    const queue = (await (await t.connect('prof')).request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests;
    assert.deepEqual(queue.map((r) => [r.id, r.studentName]), [[request.id, 'Group team-a: Alice, Bob']]);
  });

  it("has a helper who follows a member's raised hand on a group assignment look at the group's workspace, where the member works", async () => {
    const { request } = await (await t.connect('bob')).request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', message: 'Our loop never ends.' });
    const followed = await (await t.connect('prof')).request(FollowHelpRequest.type, { requestId: request.id });
    assert.equal(followed.workspace.studentId, 'team-sum--team-a', "the group's workspace, not Bob's own");
    assert.ok(followed.connectPath.includes('team-sum--team-a'), followed.connectPath);
  });

  it('compares the groups of a group assignment in a similarity check, naming each group by its members', async () => {
    const folder = (studentId: string): string => join((t.hub.provider as LocalWorkspaceProvider).workspaceDir({ courseId: 'cs101', studentId }), 'team-sum', 'sum.c');
    const mean = (x: string, y: string): string =>
      `#include <stdio.h>\n\nint main(void) {\n  long ${x}, ${y};\n  if (scanf("%ld %ld", &${x}, &${y}) != 2) return 1;\n  long total = ${x} + ${y};\n  for (int i = 0; i < 3; i++) total += i * 0;\n  printf("%ld %.3f\\n", total, total / 2.0);\n  return 0;\n}\n`;
    writeFileSync(folder('team-sum--team-a'), mean('first', 'second'));
    await (await t.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    // Carol is team-b on her own (the test above): her work is that group's.
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'team-sum--team-b' });
    mkdirSync(dirname(folder('team-sum--team-b')), { recursive: true });
    writeFileSync(folder('team-sum--team-b'), mean('p', 'q'));
    await (await t.connect('carol')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    const prof = await t.connect('prof');
    const { run } = await prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    const done = await waitFor('the similarity check of team-sum', async () => {
      const now = (await prof.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', runId: run.id })).run;
      return now?.state === 'done' || now?.state === 'failed' ? now : undefined;
    }, 120_000);
    assert.equal(done.state, 'done', JSON.stringify(done));
    const { pairs } = await prof.request(ListSimilarityPairsRequest.type, { runId: run.id });
    assert.equal(pairs.length, 1);
    const sides = [pairs[0]!.left, pairs[0]!.right].map((s) => [s.studentId, s.studentName]).sort();
    assert.deepEqual(sides, [['team-sum--team-a', 'Group team-a: Alice, Bob'], ['team-sum--team-b', 'Group team-b: Carol']]);
  });

  it("counts a group's attempts once for the group: one member's submission uses the attempt the other would make", async () => {
    const base = (await t.hub.store.assignments.get('cs101', 'team-sum'))!;
    await t.hub.store.assignments.upsert({ ...base, id: 'team-once', title: 'Team once', maxAttempts: 1 });
    await save('prof', 'solo-pair', ['alice', 'bob'], 'team-once');
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'team-once--solo-pair' });
    const first = await (await t.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-once' });
    assert.equal(first.submission.studentId, 'team-once--solo-pair');
    const r = await refusalOf((await t.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-once' }));
    assert.notEqual(r.code, 'Internal', r.message);
    assert.equal((await t.hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'team-once' })).length, 1, 'the refused one stored nothing');
  });

  it('collects the group once at the deadline, from its workspace history', async () => {
    const base = (await t.hub.store.assignments.get('cs101', 'team-sum'))!;
    const rest = base;
    const due = Date.now() + 4000;
    await t.hub.store.assignments.upsert({ ...rest, id: 'team-two', title: 'Team two', dueAt: new Date(due).toISOString() });
    const prof = await t.connect('prof');
    await prof.request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-two', groupId: 'pair', members: ['alice', 'carol'] });
    // The group's workspace records its first version (the starter files) while it runs.
    const gw = await t.connect('alice', '/v1/workspaces/cs101--team-two--pair/connect');
    await waitFor('a version of the pair', async () => ((await t.hub.store.versions.latest({ courseId: 'cs101', assignmentId: 'team-two', studentId: 'team-two--pair' })) ? true : undefined));
    gw.close();
    await waitFor('the due time', async () => (Date.now() > due ? true : undefined));
    await t.hub.deadlines.collectDue();
    const subs = await t.hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'team-two' });
    // Bob, alone, recorded nothing of team-two: nothing of his is collected; the pair once, never its members alone.
    assert.deepEqual(subs.map((s) => [s.studentId, s.source]), [['team-two--pair', 'collected']]);
    await t.hub.deadlines.collectDue();
    assert.equal((await t.hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'team-two' })).length, subs.length, 'collected once, however often it runs');
  });
});
