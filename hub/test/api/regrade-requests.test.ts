// Regrade requests against a real hub over real WebSockets, with submissions
// graded by the grader engine. From the attacker's side first: a student who
// asks about another's submission, staff or outsiders who ask, a student who
// answers their own request, a second open request, an empty or overlong
// message, a test, file or line that is not in the submission, a submission
// still being graded, a withdrawn student — each refused with the reason,
// and nothing of it stored. Then the queue as staff see it (their section
// first, oldest first), the answer (close, regrade, override) that closes a
// request, and the events that reach both sides.

import assert from 'node:assert/strict';
import {
  AnswerRegradeRequestRequest,
  CreateRegradeRequestRequest,
  GetResultRequest,
  ListAuditRequest,
  ListRegradeRequestsRequest,
  MAX_REGRADE_MESSAGE_CHARS,
  SubmitRequest,
  WithdrawStudentRequest,
} from '@classpod/protocol';
import { refusalOf as refusal } from '../support/refusals';
import type { TestClient } from '../support/test-client';
import { startTestHub, type TestHub } from '../support/test-hub';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';

describe('regrade requests', function () {
  this.timeout(180_000);
  let t: TestHub;
  let w: TestWorkerConnection;
  let alice: TestClient;
  let bob: TestClient;
  let prof: TestClient;
  let tara: TestClient;
  const sub: Record<string, string> = {};

  /** Grade every queued job. */
  const gradeQueued = async (): Promise<void> => {
    for (;;) {
      const job = await w.lease(300);
      if (!job) return;
      assert.equal(await w.report(job, await gradeJob(job)), true);
    }
  };
  const submit = async (who: TestClient, assignmentId: string): Promise<string> => (await who.request(SubmitRequest.type, { courseId: 'cs101', assignmentId })).submission.id;
  const everything = async () => (await prof.request(ListRegradeRequestsRequest.type, { courseId: 'cs101', state: 'all' })).requests;
  const auditActions = async () => (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action.startsWith('regrade-request.'));

  before(async () => {
    t = await startTestHub();
    for (const s of ['alice', 'bob', 'carol']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
    [alice, bob, prof, tara] = await Promise.all(['alice', 'bob', 'prof', 'tara'].map((p) => t.connect(p)));
    w = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    sub.alice = await submit(alice, 'c-sum');
    sub.bob = await submit(bob, 'c-sum');
    sub.carol = await submit(await t.connect('carol'), 'c-sum');
    await gradeQueued();
    sub.aliceUngraded = await submit(alice, 'py-primes');
  });
  after(async () => {
    w?.close();
    await t?.close();
  });

  it("refuses a student who asks about another's submission, staff and outsiders who ask, and an ungraded submission; nothing is stored", async () => {
    const ask = (who: TestClient | Promise<TestClient>, submissionId: string) => Promise.resolve(who).then((c) => c.request(CreateRegradeRequestRequest.type, { submissionId, message: 'please look again' }));
    assert.deepEqual(await refusal(ask(bob, sub.alice!)), { code: 'Forbidden', message: 'only the student who handed in a submission (or a member of the group that did) may ask for its regrade' });
    assert.equal((await refusal(ask(prof, sub.alice!))).code, 'Forbidden', 'staff do not ask on behalf of a student');
    for (const who of ['olga', 'dave']) assert.equal((await refusal(ask(t.connect(who), sub.alice!))).code, 'Forbidden', who);
    assert.equal((await refusal(ask(alice, 's_nonexistent'))).code, 'NotFound');
    const ungraded = await refusal(ask(alice, sub.aliceUngraded!));
    assert.equal(ungraded.code, 'Conflict');
    assert.match(ungraded.message, /still being graded/);
    assert.deepEqual(await everything(), []);
    assert.deepEqual(await auditActions(), []);
  });

  it('refuses an empty, overlong or malformed request, and places that are not in the submission; nothing is stored', async () => {
    const tries: Array<[Record<string, unknown>, string, RegExp?]> = [
      [{ message: '   ' }, 'InvalidParams', /message is empty/],
      [{ message: 'x'.repeat(MAX_REGRADE_MESSAGE_CHARS + 1) }, 'InvalidParams'],
      [{}, 'InvalidParams'],
      [{ message: 'see', line: 0, path: 'sum.c' }, 'InvalidParams'],
      [{ message: 'see', line: 2 }, 'InvalidParams', /needs the file/],
      [{ message: 'see', path: '../../etc/passwd' }, 'NotFound', /has no file/],
      [{ message: 'see', path: 'sum.c', line: 100_000 }, 'InvalidParams', /past the end of sum\.c/],
      [{ message: 'see', testName: 'no such test' }, 'NotFound', /has no test no such test/],
      [{ message: 'see', path: 'sum.c', line: 'two' }, 'InvalidParams'],
      [{ message: 42 }, 'InvalidParams'],
    ];
    for (const [extra, code, text] of tries) {
      const r = await refusal(alice.request(CreateRegradeRequestRequest.type, { submissionId: sub.alice!, ...extra } as never)).catch((err: Error) => assert.fail(`${JSON.stringify(extra)}: ${err.message}`));
      assert.equal(r.code, code, JSON.stringify(extra) + ' ' + r.message);
      if (text) assert.match(r.message, text);
    }
    assert.deepEqual(await everything(), []);
    assert.deepEqual(await auditActions(), []);
  });

  it("queues a student's request for the staff, refuses a second open one and a student who answers it, and closes it with the answer", async () => {
    const tests = (await alice.request(GetResultRequest.type, { submissionId: sub.alice! })).result.tests;
    const testName = tests.find((x) => x.name)!.name!;
    const { request } = await alice.request(CreateRegradeRequestRequest.type, { submissionId: sub.alice!, message: '  My sum handles negatives; see line 2.  ', testName, path: 'sum.c', line: 2 });
    assert.deepEqual([request.state, request.message, request.testName, request.path, request.line, request.studentName], ['open', 'My sum handles negatives; see line 2.', testName, 'sum.c', 2, 'Alice']);
    await prof.waitForEvent('events/regradeRequestChanged', (p) => (p.request as { id: string }).id === request.id);
    await alice.waitForEvent('events/regradeRequestChanged', (p) => (p.request as { id: string }).id === request.id);

    const again = await refusal(alice.request(CreateRegradeRequestRequest.type, { submissionId: sub.alice!, message: 'and again' }));
    assert.equal(again.code, 'Conflict');
    assert.match(again.message, /already asked for a regrade of submission/);

    for (const who of [alice, bob]) {
      const r = await refusal(who.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'approved by me' }));
      assert.deepEqual(r, { code: 'Forbidden', message: 'only the staff of course cs101 may do this' });
    }
    assert.equal((await refusal((await t.connect('olga')).request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'x' }))).code, 'Forbidden');
    // An override outside the assignment's bounds leaves the request open and the score alone.
    const tooMuch = await refusal(tara.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'full marks', action: 'override', score: 99_999 }));
    assert.equal(tooMuch.code, 'InvalidParams');
    assert.equal((await refusal(tara.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'x', action: 'override' }))).code, 'InvalidParams');
    assert.deepEqual((await prof.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests.map((r) => r.id), [request.id]);
    assert.equal((await alice.request(GetResultRequest.type, { submissionId: sub.alice! })).result.override, undefined);

    const { request: answered } = await tara.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'You are right: negatives pass.', action: 'override', score: 2 });
    assert.equal(answered.state, 'answered');
    assert.deepEqual([answered.answer?.outcome, answered.answer?.score, answered.answer?.authorName, answered.answer?.message], ['overridden', 2, 'Tara (assistant)', 'You are right: negatives pass.']);
    const seen = await alice.waitForEvent('events/regradeRequestChanged', (p) => (p.request as { state: string }).state === 'answered');
    assert.equal((seen.request as { answer: { message: string } }).answer.message, 'You are right: negatives pass.');
    const result = (await alice.request(GetResultRequest.type, { submissionId: sub.alice! })).result;
    assert.deepEqual([result.score, result.override?.comment], [2, 'You are right: negatives pass.']);

    assert.equal((await refusal(prof.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'again' }))).code, 'Conflict', 'answered once');
    assert.deepEqual((await prof.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests, [], 'the queue is empty');
    const mine = (await alice.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests;
    assert.deepEqual(mine.map((r) => [r.id, r.state, r.answer?.message]), [[request.id, 'answered', 'You are right: negatives pass.']]);
    assert.deepEqual((await bob.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests, [], "Bob sees none of Alice's");
    assert.deepEqual((await auditActions()).map((e) => `${e.actorId} ${e.action}`).sort(), ['alice regrade-request.create', 'tara regrade-request.answer']);
  });

  it('regrades in the same act when asked, and lets the student ask again once answered', async () => {
    const { request } = await alice.request(CreateRegradeRequestRequest.type, { submissionId: sub.alice!, message: 'one more look, please' });
    const { request: answered } = await prof.request(AnswerRegradeRequestRequest.type, { requestId: request.id, message: 'Regrading it.', action: 'regrade' });
    assert.equal(answered.answer?.outcome, 'regraded');
    const leased: string[] = [];
    for (let job = await w.lease(5_000); job; job = await w.lease(300)) {
      leased.push(job.submissionId);
      assert.equal(await w.report(job, await gradeJob(job)), true);
    }
    assert.ok(leased.includes(sub.alice!), `the submission was queued again: ${leased.join(', ')}`);
    await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === sub.alice && p.cause === 'graded');
  });

  it("shows staff their own section's students first, then oldest first", async () => {
    const { db } = t.hub.store.database;
    await db.updateTable('enrolments').set({ section_id: 'B' }).where('course_id', '=', 'cs101').where('person_id', 'in', ['tara', 'bob']).execute();
    await db.updateTable('enrolments').set({ section_id: 'A' }).where('course_id', '=', 'cs101').where('person_id', '=', 'carol').execute();
    const carol = await t.connect('carol');
    const first = (await carol.request(CreateRegradeRequestRequest.type, { submissionId: sub.carol!, message: 'carol asks first' })).request;
    const second = (await bob.request(CreateRegradeRequestRequest.type, { submissionId: sub.bob!, message: 'bob asks second' })).request;
    assert.deepEqual((await prof.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests.map((r) => r.id), [first.id, second.id], 'no section: oldest first');
    const forTara = (await tara.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' })).requests;
    assert.deepEqual(forTara.map((r) => [r.id, r.section]), [[second.id, 'B'], [first.id, 'A']], "Tara's section B first");
    await prof.request(AnswerRegradeRequestRequest.type, { requestId: first.id, message: 'Looked: the score stands.' });
  });

  it('refuses a withdrawn student', async () => {
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'carol' });
    const carol = await t.connect('carol');
    const r = await refusal(carol.request(CreateRegradeRequestRequest.type, { submissionId: sub.carol!, message: 'still here?' }));
    assert.equal(r.code, 'Forbidden');
    assert.match(r.message, /withdrawn/);
    assert.equal((await refusal(carol.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' }))).code, 'Forbidden');
    assert.ok((await everything()).every((x) => x.message !== 'still here?'));
  });
});
