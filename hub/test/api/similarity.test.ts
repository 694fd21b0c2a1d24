// The similarity check against a real hub over real WebSockets, with Dolos
// comparing for real: in a class where Alice and Bob hand in the same
// program under other names and Carol writes her own, Alice and Bob rank
// first with the fragments that match; an earlier offering's student who
// copied Carol is found and marked as earlier; unchanged starter files,
// binary, huge and foreign-language files are left out with their reason;
// an assignment nobody handed in finishes with nothing to compare. From
// the attacker's side: a student, an assistant and another course's
// professor are refused every method, a professor may not pull in a course
// they do not teach, and none of those refusals stores a check. No score
// changes. A check a stopped hub had not finished is taken up by the next.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSimilarityFragmentsRequest,
  ListAuditRequest,
  ListSimilarityPairsRequest,
  RunSimilarityRequest,
  SimilarityStatusRequest,
  SubmitRequest,
  type SimilarityRun,
} from '@classpod/protocol';
import { enrolPerson } from '../../src/admin/course-setup';
import type { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';
import { refusalOf as refusal } from '../support/refusals';
import { originalSolution, renamedCopy, storeSubmission } from '../support/similarity-class';
import type { TestClient } from '../support/test-client';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('similarity check', function () {
  this.timeout(180_000);
  let t: TestHub;
  let prof: TestClient;
  const subs: Record<string, string> = {};

  const submit = async (student: string, source: string): Promise<void> => {
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: student });
    writeFileSync(join((t.hub.provider as LocalWorkspaceProvider).workspaceDir({ courseId: 'cs101', studentId: student }), 'c-sum/sum.c'), source);
    subs[student] = (await (await t.connect(student)).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
  };
  /** Poll until the check has finished. */
  const finished = async (client: TestClient, runId: string, assignmentId = 'c-sum'): Promise<SimilarityRun> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { run } = await client.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId, runId });
      if (run && (run.state === 'done' || run.state === 'failed')) return run;
      if (Date.now() > deadline) throw new Error(`check ${runId} still ${run?.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const scores = async () => (await t.hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'c-sum' })).map((s) => [s.id, s.status, s.rawScore, s.override]);

  before(async () => {
    t = await startTestHub();
    prof = await t.connect('prof');
    // An earlier offering of the course, kept in the hub: the same assignment, taught by the same professor.
    await t.hub.store.courses.upsert({ id: 'cs101-2025', title: 'Introduction to Programming (2025)' });
    await enrolPerson(t.hub.store, 'cs101-2025', { id: 'prof', name: 'Prof. Ada' }, 'professor');
    await enrolPerson(t.hub.store, 'cs101-2025', { id: 'erin', name: 'Erin' }, 'student');
    const cSum = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    await t.hub.store.assignments.upsert({ ...cSum, courseId: 'cs101-2025' });

    await submit('alice', originalSolution(1));
    await submit('bob', renamedCopy(originalSolution(1)));
    await submit('carol', originalSolution(3));
    await storeSubmission(t.hub, { courseId: 'cs101-2025', assignmentId: 'c-sum', studentId: 'erin', files: { 'sum.c': renamedCopy(originalSolution(3)).replace(/running/g, 'acc') } });
  });
  after(async () => t?.close());

  it('ranks the copied pair first with the fragments that match, includes the earlier offering, and changes no score', async () => {
    const before = await scores();
    const { run } = await prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: ['cs101-2025'] });
    assert.equal(run.state, 'queued');
    const done = await finished(prof, run.id);
    assert.equal(done.state, 'done', done.message);
    assert.deepEqual([done.language, done.submissionCount, done.fileCount, done.earlierCourseIds], ['c', 4, 4, ['cs101-2025']]);

    const { pairs, total } = await prof.request(ListSimilarityPairsRequest.type, { runId: run.id });
    assert.equal(total, pairs.length);
    const names = pairs.map((p) => [p.left.studentId, p.right.studentId].sort().join('+'));
    assert.equal(names[0], 'alice+bob', `the copied pair ranks first: ${JSON.stringify(pairs.map((p) => [p.left.studentId, p.right.studentId, p.similarity]))}`);
    assert.ok(pairs[0]!.similarity > 0.8, `alice and bob share most of their code (${pairs[0]!.similarity})`);
    assert.deepEqual([pairs[0]!.left.studentName, pairs[0]!.left.path, pairs[0]!.left.earlier, pairs[0]!.right.earlier].sort(), [false, false, 'Alice', 'sum.c'].sort());
    const carolErin = pairs.find((p) => p.left.studentId === 'carol' && p.right.studentId === 'erin');
    assert.ok(carolErin, 'the earlier offering is compared, its student on the right');
    assert.equal(carolErin.right.earlier, true);
    assert.equal(carolErin.right.courseId, 'cs101-2025');
    assert.ok(carolErin.similarity > 0.5, `carol and erin share their code (${carolErin.similarity})`);
    const others = pairs.filter((p) => p !== pairs[0] && p !== carolErin);
    for (const p of others) assert.ok(p.similarity < pairs[0]!.similarity && p.similarity < carolErin.similarity, `an honest pair ranks below: ${p.left.studentId}+${p.right.studentId} ${p.similarity}`);

    const opened = await prof.request(GetSimilarityFragmentsRequest.type, { runId: run.id, pairId: pairs[0]!.id });
    assert.ok(opened.fragments.length >= 1 && opened.pair.fragmentCount === opened.fragments.length);
    assert.ok(opened.left.content.includes('read_all') || opened.right.content.includes('read_all'));
    const [bobText, aliceText] = opened.pair.left.studentId === 'bob' ? [opened.left.content, opened.right.content] : [opened.right.content, opened.left.content];
    assert.ok(bobText.includes('gather') && aliceText.includes('read_all'), 'each side is that student’s file as handed in');
    const covered = (side: 'left' | 'right') => new Set(opened.fragments.flatMap((f) => Array.from({ length: f[side].endRow - f[side].startRow + 1 }, (_, i) => f[side].startRow + i))).size;
    assert.ok(covered('left') >= 12 && covered('right') >= 12, `the fragments cover most of the program: ${JSON.stringify(opened.fragments)}`);

    const audit = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries;
    assert.deepEqual(audit.filter((e) => e.action.startsWith('similarity.')).map((e) => [e.action, e.actorId, e.target]).sort(), [['similarity.pair.open', 'prof', run.id], ['similarity.run', 'prof', run.id]].sort());
    assert.deepEqual(await scores(), before, 'no score, status or override changed');

    // Reopening is instant: the latest check and its pairs come from the store.
    const again = await prof.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.equal(again.run?.id, run.id);
    const page = await prof.request(ListSimilarityPairsRequest.type, { runId: run.id, offset: 1, limit: 1 });
    assert.deepEqual(page.pairs.map((p) => p.id), [pairs[1]!.id]);
  });

  it('leaves out unchanged starter files, binary, huge and foreign files with the reason, and survives nothing to compare', async () => {
    // Alice hands in again: the starter's file unchanged, plus things no comparison should choke on.
    const starter = (await t.hub.store.assignments.get('cs101', 'c-sum'))!.starterManifest.find((e) => e.path === 'sum.c')!;
    const starterText = (await t.hub.blobs.get(starter.sha256)).toString('utf8');
    await storeSubmission(t.hub, {
      courseId: 'cs101',
      assignmentId: 'c-sum',
      studentId: 'alice',
      at: new Date(t.hub.clock.now().getTime() + 1000).toISOString(),
      files: {
        'sum.c': starterText,
        'helper.c': originalSolution(0),
        'a.out': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), randomBuffer(4096)]),
        'big.c': 'int x;\n'.repeat(60_000),
        'notes.txt': 'I wrote this myself.\n',
        'bad.c': '}}}}((((int main( {{{ "unterminated\n\u0000'.replace('\u0000', '') + '#define X(\n'.repeat(500),
      },
    });
    const { run } = await prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    const done = await finished(prof, run.id);
    assert.equal(done.state, 'done', done.message);
    const reasons = Object.fromEntries(done.skipped.filter((s) => s.studentId === 'alice').map((s) => [s.path, s.reason]));
    assert.deepEqual(reasons, { 'sum.c': 'starter file, unchanged', 'a.out': 'not text', 'big.c': 'larger than 262144 bytes', 'notes.txt': 'not c' });
    assert.equal(done.skippedCount, 4);
    const { pairs } = await prof.request(ListSimilarityPairsRequest.type, { runId: run.id });
    assert.ok(pairs.every((p) => !p.left.earlier && !p.right.earlier), 'no earlier offering unless named');
    assert.ok(pairs.every((p) => [p.left.path, p.right.path].every((path) => ['sum.c', 'helper.c', 'bad.c'].includes(path))));

    // Nobody handed in py-primes: the check finishes and says there was nothing to compare.
    const none = await finished(prof, (await prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' })).run.id, 'py-primes');
    assert.deepEqual([none.state, none.pairCount, none.message], ['done', 0, 'no submitted source file to compare']);
    assert.ok(t.hub.server, 'the hub is still serving');
  });

  it('stops a check over its limits with the reason, and the hub keeps serving', async () => {
    t.hub.context.similarity.limits.maxFiles = 2;
    try {
      const { run } = await prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
      const done = await finished(prof, run.id);
      assert.deepEqual([done.state, done.message], ['failed', "more than 2 files to compare (the hub's similarity.maxFiles)"]);
    } finally {
      t.hub.context.similarity.limits.maxFiles = 5_000;
    }
    assert.ok((await prof.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).run);
  });

  it('refuses students, assistants, another course’s professor, and a course the professor does not teach; nothing is stored', async () => {
    const { run: last } = await prof.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.ok(last);
    const { pairs } = await prof.request(ListSimilarityPairsRequest.type, { runId: (await t.hub.store.similarity.latest('cs101', 'c-sum'))!.id });
    const firstDone = (await t.hub.store.similarity.unfinished()).length;
    for (const who of ['alice', 'bob', 'tara', 'olga', 'dave']) {
      const c = await t.connect(who);
      const expected = who === 'olga' || who === 'dave' ? /not a member of course cs101|only professors of course cs101/ : /only professors of course cs101 may do this/;
      for (const r of [
        c.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }),
        c.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }),
        c.request(ListSimilarityPairsRequest.type, { runId: last.id }),
      ]) {
        const e = await refusal(r);
        assert.equal(e.code, 'Forbidden', `${who}: ${e.message}`);
        assert.match(e.message, expected, who);
      }
    }
    // Olga teaches cs202 and may not pull cs101's students into a check of hers, nor Ada cs202's into hers.
    const olga = await t.connect('olga');
    assert.equal((await refusal(olga.request(RunSimilarityRequest.type, { courseId: 'cs202', assignmentId: 'c-sum', earlierCourseIds: ['cs101'] }))).code, 'NotFound', 'cs202 has no c-sum');
    assert.equal((await refusal(prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: ['cs202'] }))).code, 'Forbidden');
    assert.equal((await refusal(prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: ['cs101'] }))).code, 'InvalidParams');
    assert.equal((await refusal(prof.request(RunSimilarityRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: ['no-such'] }))).code, 'NotFound');
    assert.equal((await refusal(prof.request(GetSimilarityFragmentsRequest.type, { runId: last.id, pairId: 'p_nope' }))).code, 'NotFound');
    assert.equal((await refusal(prof.request(ListSimilarityPairsRequest.type, { runId: 'sim_nope' }))).code, 'NotFound');
    if (pairs[0]) {
      const alice = await t.connect('alice');
      assert.equal((await refusal(alice.request(GetSimilarityFragmentsRequest.type, { runId: last.id, pairId: pairs[0].id }))).code, 'Forbidden');
    }
    const after = await prof.request(SimilarityStatusRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.equal(after.run?.id, last.id, 'no refused request stored a check');
    assert.equal((await t.hub.store.similarity.unfinished()).length, firstDone);
    const opens = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'similarity.pair.open');
    assert.ok(opens.every((e) => e.actorId === 'prof'), 'only the professor opened pairs');
  });
});

function randomBuffer(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919) % 256;
  return b;
}

describe('similarity check across a restart', function () {
  this.timeout(180_000);

  it('takes up a check the previous hub had not finished', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classpod-similarity-restart-'));
    try {
      const first = await startTestHub({ dataDir });
      let runId: string;
      try {
        for (const [s, v] of [['alice', 1], ['bob', 1], ['carol', 2]] as const) {
          await storeSubmission(first.hub, { courseId: 'cs101', assignmentId: 'c-sum', studentId: s, files: { 'sum.c': v === 1 && s === 'bob' ? renamedCopy(originalSolution(v)) : originalSolution(v) } });
        }
        // Queued as a hub that stopped before its runner took it up leaves it.
        runId = (await first.hub.store.similarity.create({ courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: [], requestedBy: 'prof' })).id;
      } finally {
        await first.close();
      }
      const second = await startTestHub({ dataDir });
      try {
        await second.hub.context.similarity.idle();
        const run = await second.hub.store.similarity.get(runId);
        assert.equal(run?.state, 'done', run?.message);
        const [top] = await second.hub.store.similarity.pairs(runId, 0, 1);
        assert.deepEqual([top!.left.studentId, top!.right.studentId].sort(), ['alice', 'bob']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
