// The cluster tree's model against a course server stand-in on loopback with
// a 500-student class: what loads when, filtering, paging, and updates that
// arrive as the hub's events, each redrawing the rows that show it. The parts
// it is made of have tests of their own: cluster-cache, list-pager,
// class-filter and changed-rows.

import * as assert from 'node:assert/strict';
import { ScoreChangedNotification, SubmissionAddedNotification, WorkspaceStatusChangedNotification } from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { ProfessorSession } from '../../../src/professor/professor-session';
import type { ClusterNode } from '../../../src/professor/cluster-nodes';
import type { ClusterModel } from '../../../src/professor/cluster-model';
import { presentNode } from '../../../src/professor/cluster-presentation';
import { startClassHub, studentId, type ClassHub } from './class-hub';

const NOW = new Date('2026-11-24T12:00:00.000Z');

/** Wait for the model's next announcement of changed rows. */
function nextChange(model: ClusterModel): Promise<ClusterNode[] | undefined> {
  return new Promise((resolve) => {
    const sub = model.onDidChange((rows) => {
      sub.dispose();
      resolve(rows);
    });
  });
}

async function child(model: ClusterModel, parent: ClusterNode | undefined, kind: ClusterNode['kind'], label?: string): Promise<ClusterNode> {
  const rows = await model.getChildren(parent);
  const found = rows.find((r) => r.kind === kind && (label === undefined || presentNode(model, r, NOW).label === label));
  assert.ok(found, `a ${kind} row${label ? ` "${label}"` : ''} under ${parent?.id ?? 'the top'}; saw ${rows.map((r) => presentNode(model, r, NOW).label).join(', ')}`);
  return found;
}

const labels = (model: ClusterModel, rows: ClusterNode[]): string[] => rows.map((r) => presentNode(model, r, NOW).label);

describe('professor cluster model', function () {
  let hub: ClassHub;
  let session: ProfessorSession;

  beforeEach(async function () {
    // 500 students; every other one submitted, every tenth late, student 7 scored 6.
    hub = await startClassHub({
      students: 500,
      submitted: (i) => (i % 2 === 0 ? { late: i % 10 === 0, score: i === 8 ? 6 : 10 } : undefined),
    });
    session = new ProfessorSession({ open: () => hub.open(), logger: silentLogger, model: { pageSize: 200, coalesceMs: 20 } });
  });

  afterEach(async function () {
    session.dispose();
    await hub.close();
  });

  it('shows the cluster and the courses taught, and loads nothing else until a row is expanded', async function () {
    const top = await session.model.getChildren();
    assert.deepEqual(labels(session.model, top), ['Cluster', 'CS101']);
    assert.equal(presentNode(session.model, top[0]!, NOW).description, 'local · 1 node');
    assert.equal(presentNode(session.model, top[1]!, NOW).description, 'professor · 500 students');
    const machines = await session.model.getChildren(top[0]);
    assert.deepEqual(labels(session.model, machines), ['node-a']);
    assert.match(presentNode(session.model, machines[0]!, NOW).description ?? '', /ready · 167 workspaces · 2 CPU · 4\.0 GiB/);
    assert.deepEqual([...hub.calls.keys()].sort(), ['cluster/nodes', 'courses/list']);
  });

  it('lists 500 students of an assignment with two requests, a page at a time', async function () {
    const course = await child(session.model, undefined, 'course');
    const assignments = await child(session.model, course, 'assignments');
    const assignment = await child(session.model, assignments, 'assignment', 'Hello, C');
    const rows = await session.model.getChildren(assignment);
    assert.equal(rows.length, 201, '200 students and a "show more" row');
    const more = rows[200]!;
    assert.equal(presentNode(session.model, more, NOW).label, 'Show 300 more…');
    assert.deepEqual(await nextChange(session.model), [assignment], 'the row redraws with its counts once its list arrived');
    assert.equal(hub.calls.get('courses/people'), 1);
    assert.equal(hub.calls.get('submissions/list'), 1);
    assert.equal(hub.calls.get('results/get'), undefined, 'no result is read before a student is expanded');
    assert.match(presentNode(session.model, assignment, NOW).description ?? '', /250\/500 submitted/);

    const changed = nextChange(session.model);
    session.model.showMore(more);
    assert.deepEqual(await changed, [assignment]);
    assert.equal((await session.model.getChildren(assignment)).length, 400 + 1);
    assert.equal(hub.calls.get('submissions/list'), 1, 'paging reads nothing again');
  });

  it("shows a student's submissions with score, lateness and verdicts, then files and per-test results", async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    session.model.setFilter({ text: 's008', states: [] });
    const [student] = await session.model.getChildren(assignment);
    assert.equal(presentNode(session.model, student!, NOW).description, '6/10 · 1 submission');
    const [submission] = await session.model.getChildren(student);
    const p = presentNode(session.model, submission!, NOW);
    assert.match(p.description ?? '', /^1 hour 59 minutes ago · 6\/10 · 1\/2 passed · 1 Wrong answer$/);
    const inside = await session.model.getChildren(submission);
    assert.deepEqual(labels(session.model, inside), ['Test results', 'main.c', 'README.md']);
    const tests = await session.model.getChildren(inside[0]);
    assert.deepEqual(
      tests.map((t) => `${presentNode(session.model, t, NOW).label}: ${presentNode(session.model, t, NOW).description}`),
      ['prints hello: Accepted · 5/5 · 3 ms', 'edge cases (hidden): Wrong answer · 0/5'],
    );
    const late = session.cache.studentSubmissions('cs101', 'hello-c', studentId(10))[0]!;
    assert.equal(late.late, true);
  });

  it("finds the row of a student's work for a view to reveal: the latest submission, paged into view, unless the filter hides it", async function () {
    // Student 498 is far past the first page of 200; she submitted (even index).
    const found = await session.model.rowOfWork('cs101', 'hello-c', studentId(498));
    assert.ok('row' in found && found.row.kind === 'submission');
    assert.equal(found.row.kind === 'submission' && found.row.studentId, studentId(498));
    const student = session.model.getParent(found.row)!;
    const assignment = session.model.getParent(student)!;
    assert.equal(assignment.kind, 'assignment');
    const rows = await session.model.getChildren(assignment);
    assert.ok(rows.some((r) => r.id === student.id), 'the list is paged far enough to hold the student');
    // Nothing handed in: the student's own row.
    const none = await session.model.rowOfWork('cs101', 'hello-c', studentId(1));
    assert.ok('row' in none && none.row.kind === 'student');
    session.model.setFilter({ text: 'alice', states: [] });
    assert.deepEqual(await session.model.rowOfWork('cs101', 'hello-c', studentId(498)), { hidden: true });
    assert.equal(hub.calls.get('submissions/list'), 1, 'the lists are read once');
  });

  it("lists a student's versions after the submissions, each with the files it changed since the one before", async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    session.model.setFilter({ text: 's008', states: [] });
    const [student] = await session.model.getChildren(assignment);
    const rows = await session.model.getChildren(student);
    assert.deepEqual(rows.map((r) => r.kind), ['submission', 'versions']);
    assert.equal(hub.calls.get('versions/list'), undefined, 'nothing is read before the Versions row is expanded');
    const versions = await session.model.getChildren(rows[1]);
    assert.deepEqual(
      versions.map((v) => presentNode(session.model, v, NOW).description),
      ['5 minutes ago · 1 changed', '30 minutes ago · 1 added, 1 deleted', '1 hour 30 minutes ago · 2 added'],
    );
    assert.equal(session.model.getParent(versions[0]!), rows[1]);
    const changed = await session.model.getChildren(versions[1]);
    assert.deepEqual(changed.map((f) => [presentNode(session.model, f, NOW).label, presentNode(session.model, f, NOW).description]), [
      ['README.md', 'added · 7 B'],
      ['notes.txt', 'deleted · 8 B'],
    ]);
    assert.equal(session.model.getParent(changed[0]!), versions[1]);
    assert.equal(hub.calls.get('versions/readFile'), undefined, 'no content is read until a file is opened');
  });

  it('says a student without a submission has no version yet, under a row that opens anyway', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    session.model.setFilter({ text: 's001', states: [] });
    const [student] = await session.model.getChildren(assignment);
    assert.equal(presentNode(session.model, student!, NOW).collapsible, 'collapsed');
    const [versions] = await session.model.getChildren(student);
    assert.equal(versions!.kind, 'versions');
    assert.deepEqual(labels(session.model, await session.model.getChildren(versions)), ['No version recorded yet (the folder never synced a change).']);
  });

  it('filters students by name and by state, and says when nobody matches', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    await session.model.getChildren(assignment);
    session.model.flushChanges();
    const changed = nextChange(session.model);
    session.model.setFilter({ text: 'ALI', states: [] });
    assert.deepEqual(await changed, [assignment]);
    assert.deepEqual(labels(session.model, await session.model.getChildren(assignment)), ['Alice Martin', 'Alicia Keys']);

    session.model.setFilter({ text: '', states: ['late'] });
    const late = await session.model.getChildren(assignment);
    assert.equal(late.length, 50);
    assert.ok(late.every((r) => /late/.test(presentNode(session.model, r, NOW).description ?? '')));

    session.model.setFilter({ text: '', states: ['not submitted'] });
    assert.equal((await session.model.getChildren(assignment)).length, 201); // 250 without a submission, paged

    session.model.setFilter({ text: 'nobody-like-this', states: [] });
    assert.deepEqual(labels(session.model, await session.model.getChildren(assignment)), ['No student matches the filter.']);
  });

  it('filters workspaces by state and shows node, age, CPU and memory', async function () {
    const course = await child(session.model, undefined, 'course');
    const group = await child(session.model, course, 'workspaces');
    session.model.setFilter({ text: '', states: ['running'] });
    const rows = await session.model.getChildren(group);
    assert.equal(rows.length, 167);
    assert.equal(presentNode(session.model, rows[0]!, NOW).description, 'running · node-a · up 10 minutes · 120m CPU · 64 MiB');
    assert.match(presentNode(session.model, group, NOW).description ?? '', /^167 running of 500 · filtered: state: running$/);
    assert.equal(hub.calls.get('workspaces/list'), 1);
  });

  it('updates one student row when a score event arrives, without asking the hub again', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    const rows = await session.model.getChildren(assignment);
    session.model.flushChanges(); // the list's first load redraws its row; not what this test watches
    const alice = rows.find((r) => presentNode(session.model, r, NOW).label === 'Alice Martin');
    const s008 = rows.find((r) => r.kind === 'student' && r.studentId === 's008')!;
    assert.ok(alice);
    const before = new Map(hub.calls);
    const changed = nextChange(session.model);
    hub.push(ScoreChangedNotification.type, { courseId: 'cs101', assignmentId: 'hello-c', studentId: 's008', submissionId: 'sub-s008-1', status: 'graded', score: 9, maxScore: 10, cause: 'override', counts: true });
    assert.deepEqual(await changed, [s008]);
    assert.equal(presentNode(session.model, s008, NOW).description, '9/10 · 1 submission');
    assert.deepEqual(hub.calls, before, 'the event alone updated the row');
  });

  it('adds a first submission to the list when the hub announces it', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    await session.model.getChildren(assignment);
    session.model.flushChanges();
    const changed = nextChange(session.model);
    hub.push(SubmissionAddedNotification.type, {
      submission: { id: 'sub-s001-1', courseId: 'cs101', assignmentId: 'hello-c', studentId: 's001', snapshotHash: 'ab'.repeat(32), submittedAt: NOW.toISOString(), source: 'submitted', late: true, penaltyPercent: 10, status: 'queued', fileCount: 1, totalBytes: 3 },
    });
    assert.deepEqual(await changed, [assignment]);
    assert.match(presentNode(session.model, assignment, NOW).description ?? '', /251\/500 submitted/);
    const s001 = (await session.model.getChildren(assignment)).find((r) => r.kind === 'student' && r.studentId === 's001')!;
    assert.equal(presentNode(session.model, s001, NOW).description, 'queued · late · 1 submission');
  });

  it('gathers a regrade of 250 submissions into one redraw of the assignment', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    await session.model.getChildren(assignment);
    const announcements: Array<ClusterNode[] | undefined> = [];
    session.model.onDidChange((rows) => announcements.push(rows));
    const queued = await session.actions.regrade({ kind: 'assignment', courseId: 'cs101', assignmentId: 'hello-c' });
    assert.equal(queued.length, 250);
    for (const s of hub.submissions) {
      hub.push(ScoreChangedNotification.type, { courseId: 'cs101', assignmentId: 'hello-c', studentId: s.studentId, submissionId: s.id, status: 'graded', score: 7, maxScore: 10, cause: 'graded', counts: true });
    }
    const allScored = (): boolean => hub.submissions.every((s) => session.cache.submission(s.id)?.score === 7 && session.cache.submission(s.id)?.status === 'graded');
    while (!allScored()) await nextChange(session.model);
    session.model.flushChanges();
    assert.ok(announcements.length <= 3, `few announcements (${announcements.length})`);
    assert.ok(announcements.every((rows) => rows !== undefined && rows.length <= 2 && rows.every((r) => r.kind === 'assignment')), 'each names the assignment row, not 250 rows');
    const first = (await session.model.getChildren(assignment)).find((r) => r.kind === 'student' && r.studentId === 's000')!;
    assert.equal(presentNode(session.model, first, NOW).description, '7/10 · late · 1 submission');
    // The submission row itself says it was regraded, with its new score.
    const [sub] = await session.model.getChildren(first);
    assert.match(presentNode(session.model, sub!, NOW).description ?? '', /7\/10 · .*regraded$/);
  });

  it('redraws a workspace row when its state changes', async function () {
    const group = await child(session.model, await child(session.model, undefined, 'course'), 'workspaces');
    const rows = await session.model.getChildren(group);
    session.model.flushChanges();
    const w = rows.find((r) => r.kind === 'workspace' && r.studentId === 's001')!;
    const changed = nextChange(session.model);
    hub.push(WorkspaceStatusChangedNotification.type, { workspace: { ...hub.workspaces[1]!, state: 'failed', reason: 'image pull failed' } });
    assert.deepEqual(await changed, [w]);
    assert.equal(presentNode(session.model, w, NOW).description, 'failed: image pull failed');
    assert.equal(presentNode(session.model, w, NOW).contextValue, 'workspace.failed');
  });

  it('redraws the workspace list, not the row, when a state filter is on and the state changes', async function () {
    const group = await child(session.model, await child(session.model, undefined, 'course'), 'workspaces');
    session.model.setFilter({ text: '', states: ['running'] });
    const rows = await session.model.getChildren(group);
    session.model.flushChanges();
    assert.ok(rows.some((r) => r.kind === 'workspace' && r.studentId === 's000'));
    const changed = nextChange(session.model);
    hub.push(WorkspaceStatusChangedNotification.type, { workspace: { ...hub.workspaces[0]!, state: 'stopped' } });
    assert.deepEqual(await changed, [group], 'the row leaves the list');
    const after = await session.model.getChildren(group);
    assert.equal(after.length, rows.length - 1);
    assert.ok(!after.some((r) => r.kind === 'workspace' && r.studentId === 's000'));
  });

  it('redraws the Assignments group for a new assignment and the row for an updated one', async function () {
    const assignments = await child(session.model, await child(session.model, undefined, 'course'), 'assignments');
    const hello = await child(session.model, assignments, 'assignment', 'Hello, C');
    session.model.flushChanges();
    const summary = session.cache.assignment('cs101', 'hello-c')!;
    let changed = nextChange(session.model);
    session.cache.replaceAssignment({ ...summary, id: 'primes', title: 'Primes' });
    assert.deepEqual(await changed, [assignments]);
    assert.deepEqual(labels(session.model, await session.model.getChildren(assignments)), ['Hello, C', 'Primes']);
    changed = nextChange(session.model);
    session.cache.replaceAssignment({ ...summary, title: 'Hello, C (v2)' });
    assert.deepEqual(await changed, [hello]);
    assert.equal(presentNode(session.model, hello, NOW).label, 'Hello, C (v2)');
  });

  it('reloads what it showed after a reconnect, since events may have been missed', async function () {
    const assignment = await child(session.model, await child(session.model, await child(session.model, undefined, 'course'), 'assignments'), 'assignment');
    await session.model.getChildren(assignment);
    session.model.flushChanges();
    const changed = nextChange(session.model);
    hub.dropAll();
    assert.equal(await changed, undefined, 'the whole tree is redrawn');
    await session.model.getChildren();
    await session.model.getChildren(assignment);
    assert.equal(hub.calls.get('courses/list'), 2);
    assert.equal(hub.calls.get('submissions/list'), 2);
  });

  it("shows a course's rows as an error row, not a crash, when the hub refuses", async function () {
    const model = session.model;
    // A node for a course this professor does not teach: nothing is asked, the row says why.
    const foreign: ClusterNode = { kind: 'assignment', id: 'assignment:cs202/x', courseId: 'cs202', assignmentId: 'x' };
    await model.getChildren();
    const rows = await model.getChildren(foreign);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.kind, 'message');
    assert.match(presentNode(model, rows[0]!, NOW).label, /Could not load: you do not teach a course cs202/);
  });
});

describe('professor cluster model, another course', function () {
  it("shows a professor of another course nothing of this one", async function () {
    const hub = await startClassHub({ students: 5, submitted: () => ({}) });
    const session = new ProfessorSession({ open: () => hub.open('other-prof-token'), logger: silentLogger });
    try {
      const top = await session.model.getChildren();
      assert.deepEqual(labels(session.model, top), ['Cluster', 'CS202']);
      const assignments = await session.model.getChildren(await child(session.model, top[1], 'assignments'));
      assert.deepEqual(assignments, []);
      await assert.rejects(() => session.actions.regrade({ kind: 'assignment', courseId: 'cs101', assignmentId: 'hello-c' }), /not a member of course cs101/);
      await assert.rejects(() => session.actions.files.get('sub-s000-1', 'main.c'), /not a member of course cs101/);
    } finally {
      session.dispose();
      await hub.close();
    }
  });
});
