// The professors' entity cache on its own, against an in-memory stand-in for
// the hub's answers: each list loads once (and again after a failure or a
// reconnect), and the hub's events update the entities they name, whatever
// order they arrive in, announcing only updates to lists that were loaded.

import * as assert from 'node:assert/strict';
import type { AssignmentSummary, CourseSummary, GradingResult, SubmissionSummary, WorkspaceInfo } from '@classpod/protocol';
import { ClusterCache, type CacheChange } from '../../../src/professor/cluster-cache';
import type { HubRequester } from '../../../src/professor/hub-requester';

/** What the stand-in answers, by method; a handler that throws makes the request fail. */
type Answers = Record<string, (params: Record<string, unknown>) => unknown>;

function standIn(answers: Answers): { request: HubRequester; calls: string[] } {
  const calls: string[] = [];
  const request: HubRequester = async (type, params) => {
    calls.push(type.method);
    const answer = answers[type.method];
    if (!answer) throw new Error(`the stand-in does not answer ${type.method}`);
    return answer(params as Record<string, unknown>) as never;
  };
  return { request, calls };
}

const course = (id: string, role: CourseSummary['role']): CourseSummary => ({ id, title: id.toUpperCase(), role, assignments: 1, students: 2 });

function submission(id: string, studentId: string, submittedAt: string, more: Partial<SubmissionSummary> = {}): SubmissionSummary {
  return { id, courseId: 'cs101', assignmentId: 'hello-c', studentId, snapshotHash: 'ab'.repeat(32), submittedAt, source: 'submitted', late: false, penaltyPercent: 0, status: 'graded', score: 8, maxScore: 10, fileCount: 1, totalBytes: 3, ...more };
}

function workspace(studentId: string, state: WorkspaceInfo['state']): WorkspaceInfo {
  return { workspaceId: `cs101--${studentId}`, courseId: 'cs101', studentId, state, connectPath: `/v1/workspaces/cs101--${studentId}/connect` };
}

function assignment(id: string, title: string): AssignmentSummary {
  return { id, courseId: 'cs101', title, extended: false, latePolicy: { penaltyPercentPerDay: 10 }, state: 'not started', maxScore: 10 };
}

const result = (submissionId: string): GradingResult => ({ submissionId, status: 'graded', penaltyPercent: 0, counts: true, hiddenTests: 0, tests: [], score: 8, maxScore: 10 });

/** A class of two students, one of whom (ada) submitted once. */
function classAnswers(): Answers {
  return {
    'courses/list': () => ({ courses: [course('cs101', 'professor'), course('bio1', 'student')] }),
    'cluster/nodes': () => ({ provider: 'local', nodes: [{ name: 'node-a', ready: true, workspaces: 1 }] }),
    'courses/people': () => ({
      people: [
        { personId: 'ada', name: 'Ada Lovelace', role: 'student' },
        { personId: 'bob', name: 'Bob Brown', role: 'student' },
        { personId: 'prof', name: 'Prof', role: 'professor' },
      ],
    }),
    'submissions/list': () => ({ submissions: [submission('sub-ada-1', 'ada', '2026-11-24T10:00:00.000Z')] }),
    'workspaces/list': () => ({ workspaces: [workspace('ada', 'running'), workspace('bob', 'stopped')] }),
    'assignments/list': () => ({ assignments: [assignment('hello-c', 'Hello, C')], serverTime: '2026-11-24T12:00:00.000Z' }),
    'results/get': (p) => ({ result: result(String(p.submissionId)) }),
  };
}

/** A cache over the class, its courses loaded, recording what it announces. */
async function loadedCache(answers: Answers = classAnswers()): Promise<{ cache: ClusterCache; calls: string[]; announced: CacheChange[] }> {
  const { request, calls } = standIn(answers);
  const cache = new ClusterCache(request);
  const announced: CacheChange[] = [];
  cache.onDidChange((c) => announced.push(c));
  await cache.ensureCourses();
  return { cache, calls, announced };
}

describe('professor cluster cache', function () {
  describe('loading', function () {
    it('keeps the courses taught, not those taken, and the cluster', async function () {
      const { cache } = await loadedCache();
      assert.deepEqual(cache.courses().map((c) => c.id), ['cs101']);
      assert.equal(cache.clusterInfo().info?.nodes[0]?.name, 'node-a');
      assert.equal(cache.machine('node-a')?.ready, true);
      assert.throws(() => cache.mustTeach('bio1'), /you do not teach a course bio1/);
      assert.doesNotThrow(() => cache.mustTeach('cs101'));
    });

    it('keeps the reason when the cluster cannot be read, and the courses still load', async function () {
      const answers = classAnswers();
      answers['cluster/nodes'] = () => {
        throw new Error('cluster/nodes is for administrators');
      };
      const { cache } = await loadedCache(answers);
      assert.deepEqual(cache.clusterInfo(), { error: 'cluster/nodes is for administrators' });
      assert.deepEqual(cache.courses().map((c) => c.id), ['cs101']);
    });

    it('asks once for a list asked for twice at the same time', async function () {
      const { cache, calls } = await loadedCache();
      await Promise.all([cache.ensureAssignment('cs101', 'hello-c'), cache.ensureAssignment('cs101', 'hello-c')]);
      assert.deepEqual(calls.filter((m) => m === 'submissions/list' || m === 'courses/people'), ['courses/people', 'submissions/list']);
      assert.deepEqual(cache.students('cs101')?.map((s) => s.personId), ['ada', 'bob'], 'staff are not students');
      assert.deepEqual([...(cache.assignmentSubmissions('cs101', 'hello-c')?.keys() ?? [])], ['ada']);
      assert.deepEqual(cache.loadedAssignmentIds('cs101'), ['hello-c']);
    });

    it('asks again for a list whose first load failed', async function () {
      const answers = classAnswers();
      let failures = 1;
      const list = answers['workspaces/list']!;
      answers['workspaces/list'] = (p) => {
        if (failures-- > 0) throw new Error('hub restarting');
        return list(p);
      };
      const { cache, calls } = await loadedCache(answers);
      await assert.rejects(cache.ensureWorkspaces('cs101'), /hub restarting/);
      assert.equal(cache.workspaceList('cs101'), undefined);
      await cache.ensureWorkspaces('cs101');
      assert.deepEqual(cache.workspaceList('cs101')?.map((w) => w.studentId), ['ada', 'bob']);
      assert.equal(calls.filter((m) => m === 'workspaces/list').length, 2);
    });

    it('refuses to load a course the person does not teach, after asking', async function () {
      const { cache } = await loadedCache();
      await assert.rejects(cache.ensureAssignments('cs202'), /you do not teach a course cs202/);
    });
  });

  describe('submission events', function () {
    it('adds a first submission of a student and announces it as their first', async function () {
      const { cache, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applySubmissionAdded({ submission: submission('sub-bob-1', 'bob', '2026-11-24T11:00:00.000Z', { status: 'queued' }) });
      assert.deepEqual(announced, [{ kind: 'submission', courseId: 'cs101', assignmentId: 'hello-c', studentId: 'bob', firstOfStudent: true }]);
      assert.equal(cache.submission('sub-bob-1')?.status, 'queued');
      assert.deepEqual(cache.studentSubmissions('cs101', 'hello-c', 'bob').map((s) => s.id), ['sub-bob-1']);
    });

    it('keeps a student\'s submissions newest first whatever order their events arrive in', async function () {
      const { cache, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applySubmissionAdded({ submission: submission('sub-ada-3', 'ada', '2026-11-24T11:30:00.000Z') });
      cache.applySubmissionAdded({ submission: submission('sub-ada-2', 'ada', '2026-11-24T11:00:00.000Z') });
      assert.deepEqual(cache.studentSubmissions('cs101', 'hello-c', 'ada').map((s) => s.id), ['sub-ada-3', 'sub-ada-2', 'sub-ada-1']);
      assert.deepEqual(announced.map((c) => c.kind === 'submission' && c.firstOfStudent), [false, false]);
    });

    it('replaces a submission it already holds instead of listing it twice', async function () {
      const { cache } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applySubmissionAdded({ submission: submission('sub-ada-1', 'ada', '2026-11-24T10:00:00.000Z', { status: 'grading' }) });
      const list = cache.studentSubmissions('cs101', 'hello-c', 'ada');
      assert.deepEqual(list.map((s) => `${s.id} ${s.status}`), ['sub-ada-1 grading']);
    });

    it('keeps a submission of an assignment whose list was never loaded by id, and announces nothing', async function () {
      const { cache, announced, calls } = await loadedCache();
      cache.applySubmissionAdded({ submission: submission('sub-ada-9', 'ada', '2026-11-24T11:00:00.000Z') });
      assert.equal(cache.submission('sub-ada-9')?.studentId, 'ada');
      assert.equal(cache.assignmentSubmissions('cs101', 'hello-c'), undefined);
      assert.deepEqual(announced, []);
      assert.ok(!calls.includes('submissions/list'), 'an event loads nothing');
    });
  });

  describe('score events', function () {
    it('updates the score and status, and forgets the result so it is read again', async function () {
      const { cache, calls, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      await cache.ensureResult('sub-ada-1');
      assert.ok(cache.result('sub-ada-1'));
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 9, maxScore: 10, cause: 'graded', counts: true });
      assert.equal(cache.submission('sub-ada-1')?.score, 9);
      assert.equal(cache.studentSubmissions('cs101', 'hello-c', 'ada')[0]?.score, 9, 'the student\'s list shows the same entity');
      assert.equal(cache.result('sub-ada-1'), undefined);
      assert.deepEqual(announced, [{ kind: 'submission', courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', firstOfStudent: false }]);
      await cache.ensureResult('sub-ada-1');
      assert.equal(calls.filter((m) => m === 'results/get').length, 2);
    });

    it('keeps the status it knows when the event names one it does not', async function () {
      const { cache } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'reticulating', cause: 'graded', counts: true });
      assert.equal(cache.submission('sub-ada-1')?.status, 'graded');
      assert.equal(cache.submission('sub-ada-1')?.score, 8, 'a score the event leaves out stays');
    });

    it('sets an override, and removes it when an event carries none', async function () {
      const { cache } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      const override = { score: 10, comment: 'fair enough', authorId: 'prof', at: '2026-11-24T11:00:00.000Z' };
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 10, cause: 'override', counts: true, override });
      assert.deepEqual(cache.submission('sub-ada-1')?.override, override);
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 8, cause: 'override', counts: true });
      assert.equal(cache.submission('sub-ada-1')?.override, undefined);
      assert.ok(!('override' in cache.submission('sub-ada-1')!), 'the override is gone, not left as undefined');
      assert.equal(cache.submission('sub-ada-1')?.score, 8);
    });

    it("takes the rubric points an event carries (a rubric edited or applied elsewhere), and drops them when it carries none", async function () {
      const { cache } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 9, maxScore: 10, rubricPoints: 2, cause: 'rubric', counts: true });
      assert.equal(cache.submission('sub-ada-1')?.rubricPoints, 2);
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 7, maxScore: 10, cause: 'rubric', counts: true });
      assert.ok(!('rubricPoints' in cache.submission('sub-ada-1')!), 'the item was removed from the rubric: no rubric points shown');
      assert.equal(cache.submission('sub-ada-1')?.score, 7);
    });

    it('takes the lateness judged again: late and its penalty, late days spent or none', async function () {
      const { cache } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      const lateness = { late: true, penaltyPercent: 0, lateDaysUsed: 2 };
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 8, cause: 'lateness', counts: true, lateness });
      assert.deepEqual([cache.submission('sub-ada-1')?.late, cache.submission('sub-ada-1')?.penaltyPercent, cache.submission('sub-ada-1')?.lateDaysUsed], [true, 0, 2]);
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'ada', submissionId: 'sub-ada-1', status: 'graded', score: 8, cause: 'lateness', counts: true, lateness: { late: false, penaltyPercent: 0, lateDaysUsed: 0 } });
      assert.equal(cache.submission('sub-ada-1')?.late, false);
      assert.ok(!('lateDaysUsed' in cache.submission('sub-ada-1')!), 'no late days spent, none shown');
    });

    it('ignores a score event that arrives before its submission, and takes the submission as added later', async function () {
      const { cache, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.applyScoreChanged({ courseId: 'cs101', assignmentId: 'hello-c', studentId: 'bob', submissionId: 'sub-bob-1', status: 'graded', score: 3, cause: 'graded', counts: true });
      assert.equal(cache.submission('sub-bob-1'), undefined);
      assert.deepEqual(announced, []);
      cache.applySubmissionAdded({ submission: submission('sub-bob-1', 'bob', '2026-11-24T11:00:00.000Z', { status: 'queued', score: undefined }) });
      assert.equal(cache.submission('sub-bob-1')?.status, 'queued');
    });

    it('marks regraded submissions queued and forgets their results', async function () {
      const { cache, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      await cache.ensureResult('sub-ada-1');
      cache.markQueued(['sub-ada-1', 'sub-nobody']);
      assert.equal(cache.submission('sub-ada-1')?.status, 'queued');
      assert.equal(cache.result('sub-ada-1'), undefined);
      assert.equal(announced.length, 1, 'an unknown id changes nothing');
    });
  });

  describe('workspace and assignment updates', function () {
    it('announces a workspace update with whether its state changed', async function () {
      const { cache, announced } = await loadedCache();
      await cache.ensureWorkspaces('cs101');
      cache.applyWorkspaceStatus({ workspace: { ...workspace('bob', 'stopped'), reason: 'idle' } });
      cache.applyWorkspaceStatus({ workspace: workspace('bob', 'starting') });
      cache.applyWorkspaceStatus({ workspace: workspace('cyd', 'starting') });
      assert.deepEqual(
        announced.map((c) => c.kind === 'workspace' && `${c.studentId} ${c.stateChanged}`),
        ['bob false', 'bob true', 'cyd true'],
      );
      assert.equal(cache.workspace('cs101', 'bob')?.state, 'starting');
      assert.deepEqual(cache.workspaceList('cs101')?.map((w) => w.studentId), ['ada', 'bob', 'cyd']);
    });

    it('leaves the workspaces of a course alone until they are loaded', async function () {
      const { cache, announced } = await loadedCache();
      cache.applyWorkspaceStatus({ workspace: workspace('bob', 'running') });
      assert.equal(cache.workspaceList('cs101'), undefined);
      assert.deepEqual(announced, []);
    });

    it('announces an assignment as added or updated, once the list is loaded', async function () {
      const { cache, announced } = await loadedCache();
      cache.replaceAssignment(assignment('primes', 'Primes'));
      assert.deepEqual(announced, [], 'no list, nothing to update');
      await cache.ensureAssignments('cs101');
      cache.replaceAssignment(assignment('primes', 'Primes'));
      cache.replaceAssignment(assignment('hello-c', 'Hello, C (v2)'));
      assert.deepEqual(announced, [
        { kind: 'assignment', courseId: 'cs101', assignmentId: 'primes', added: true },
        { kind: 'assignment', courseId: 'cs101', assignmentId: 'hello-c', added: false },
      ]);
      assert.equal(cache.assignment('cs101', 'hello-c')?.title, 'Hello, C (v2)');
      assert.deepEqual(cache.assignmentList('cs101')?.map((a) => a.id), ['hello-c', 'primes']);
    });

    it('names a student by the course list, then the workspace, then the id', async function () {
      const { cache } = await loadedCache();
      await cache.ensureWorkspaces('cs101');
      cache.applyWorkspaceStatus({ workspace: { ...workspace('cyd', 'stopped'), studentName: 'Cyd Charisse' } });
      assert.equal(cache.studentName('cs101', 'cyd'), 'Cyd Charisse');
      assert.equal(cache.studentName('cs101', 'ada'), 'ada', 'the students are not loaded yet');
      await cache.ensureStudents('cs101');
      assert.equal(cache.studentName('cs101', 'ada'), 'Ada Lovelace');
    });
  });

  describe('reload', function () {
    it('forgets everything, announces it, and asks again', async function () {
      const { cache, calls, announced } = await loadedCache();
      await cache.ensureAssignment('cs101', 'hello-c');
      cache.reload();
      assert.deepEqual(announced, [{ kind: 'everything' }]);
      assert.deepEqual(cache.courses(), []);
      assert.equal(cache.submission('sub-ada-1'), undefined);
      assert.deepEqual(cache.clusterInfo(), {});
      await cache.ensureCourses();
      await cache.ensureAssignment('cs101', 'hello-c');
      assert.equal(calls.filter((m) => m === 'courses/list').length, 2);
      assert.equal(calls.filter((m) => m === 'submissions/list').length, 2);
    });
  });
});
