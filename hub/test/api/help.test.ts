// Live help against a real hub over real WebSockets. From the attacker's side
// first: a student who follows or takes another's hand, staff of another
// course, a withdrawn student, taking a closed request, an oversize
// attachment, a malformed request — each refused with its reason, nothing
// stored and no workspace started. Then the session as both sides live it: a
// hand raised with the failing test, the queue in order (the helper's section
// first), taken, followed with the terminal (the student told), ended — each
// step announced to both and recorded in the audit log.

import assert from 'node:assert/strict';
import {
  EndHelpRequest,
  FollowHelpRequest,
  ImportRosterRequest,
  ListAuditRequest,
  ListHelpQueueRequest,
  LowerHandRequest,
  MAX_HELP_MESSAGE_CHARS,
  MAX_HELP_TEST_MESSAGE_CHARS,
  RaiseHandRequest,
  TakeHelpRequest,
  TerminalListRequest,
  WithdrawStudentRequest,
} from '@classpod/protocol';
import { queueOrder } from '../../src/api/help-methods';
import { refusalOf as refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';

const failing = { name: 'adds two negative numbers', message: 'expected: -5\nactual:   5' };

describe('live help', function () {
  this.timeout(120_000);
  let t: TestHub;

  before(async () => {
    t = await startTestHub();
    for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
  });
  after(async () => t?.close());

  const queue = async (who = 'prof') => (await t.connect(who)).request(ListHelpQueueRequest.type, { courseId: 'cs101' });
  const rows = async () => t.hub.store.database.db.selectFrom('help_requests').selectAll().execute();
  const helpAudit = async () => (await (await t.connect('prof')).request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action.startsWith('help.'));
  const workspaceState = async (studentId: string) => (await t.hub.provider.status({ courseId: 'cs101', studentId })).state;

  it('refuses malformed, oversize and misplaced hands, and stores none of them', async () => {
    const alice = await t.connect('alice');
    const tries: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ message: 'x'.repeat(MAX_HELP_MESSAGE_CHARS + 1) }, 'InvalidParams', /message/],
      [{ failingTest: { name: 'big', message: 'x'.repeat(MAX_HELP_TEST_MESSAGE_CHARS + 1) } }, 'InvalidParams', /failingTest/],
      [{ failingTest: { name: 'n'.repeat(301), message: '' } }, 'InvalidParams', /failingTest/],
      [{ failingTest: { name: '', message: 'x' } }, 'InvalidParams', /failingTest/],
      [{ failingTest: 'expected 5' }, 'InvalidParams', /failingTest/],
      [{ assignmentId: '../etc' }, 'InvalidParams', /assignmentId/],
      [{ assignmentId: 'no-such' }, 'NotFound', /no assignment no-such in course cs101/],
      [{ courseId: 'cs202' }, 'Forbidden', /not a member of course cs202/],
      [{ message: '  \n ' }, 'InvalidParams', /say what you need help with/],
      [{ message: undefined }, 'InvalidParams', /message/],
    ];
    for (const [params, code, message] of tries) {
      const r = await refusal(alice.endpoint.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'help', ...params } as never));
      assert.equal(r.code, code, `${JSON.stringify(params).slice(0, 80)}: ${r.message}`);
      assert.match(r.message, message);
    }
    for (const who of ['prof', 'tara', 'olga']) {
      const r = await refusal((await t.connect(who)).request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'help' }));
      assert.equal(r.code, 'Forbidden', who);
    }
    assert.deepEqual(await rows(), [], 'nothing was stored');
  });

  it("refuses a withdrawn student, a student who reaches another's hand, and staff of another course; nothing changes and no workspace starts", async () => {
    const prof = await t.connect('prof');
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'carol' });
    const carol = await t.connect('carol');
    assert.match((await refusal(carol.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'help' }))).message, /withdrawn from course cs101/);
    assert.equal((await refusal(carol.request(ListHelpQueueRequest.type, { courseId: 'cs101' }))).code, 'Forbidden');

    const alice = await t.connect('alice');
    const { request } = await alice.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'my sum is wrong', failingTest: failing });
    const before = await rows();
    await t.hub.provider.stop({ courseId: 'cs101', studentId: 'alice' });
    assert.equal(await workspaceState('alice'), 'stopped');
    const bob = await t.connect('bob');
    for (const [who, type, code] of [
      ['bob', FollowHelpRequest.type, 'Forbidden'],
      ['bob', TakeHelpRequest.type, 'Forbidden'],
      ['bob', LowerHandRequest.type, 'Forbidden'],
      ['bob', EndHelpRequest.type, 'Forbidden'],
      ['alice', FollowHelpRequest.type, 'Forbidden'],
      ['alice', TakeHelpRequest.type, 'Forbidden'],
      ['olga', FollowHelpRequest.type, 'Forbidden'],
      ['olga', TakeHelpRequest.type, 'Forbidden'],
      ['olga', EndHelpRequest.type, 'Forbidden'],
      ['dave', FollowHelpRequest.type, 'Forbidden'],
      ['carol', EndHelpRequest.type, 'Forbidden'],
    ] as const) {
      const r = await refusal((await t.connect(who)).endpoint.request(type as typeof FollowHelpRequest.type, { requestId: request.id, terminal: true }));
      assert.equal(r.code, code, `${who} ${String(type.method)}: ${r.message}`);
    }
    assert.equal((await refusal(prof.request(FollowHelpRequest.type, { requestId: 'h_0000' }))).code, 'NotFound');
    assert.equal((await refusal(prof.endpoint.request(FollowHelpRequest.type, { requestId: '../../x' } as never))).code, 'InvalidParams');
    assert.equal((await refusal((await t.connect('olga')).request(ListHelpQueueRequest.type, { courseId: 'cs101' }))).code, 'Forbidden');
    // Bob sees only his own (none); the other course's staff see nothing of it.
    assert.deepEqual((await bob.request(ListHelpQueueRequest.type, { courseId: 'cs101' })).requests, []);
    assert.deepEqual(await rows(), before, 'nothing changed');
    assert.deepEqual(await helpAudit(), [], 'nothing happened');
    assert.equal(await workspaceState('alice'), 'stopped', 'no refused follow started the workspace');
    // A second hand in the course is refused while the first is open.
    const again = await refusal(alice.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'py-primes', message: 'and this one' }));
    assert.equal(again.code, 'Conflict');
    assert.match(again.message, /already raised in course cs101 \(for c-sum\); lower it first/);
    await alice.request(LowerHandRequest.type, { requestId: request.id });
  });

  it('keeps one open hand per student even when two raises race', async () => {
    const bob = await t.connect('bob');
    const results = await Promise.allSettled([1, 2, 3].map((n) => bob.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: `try ${n}` })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
    const open = (await queue()).requests.filter((r) => r.studentId === 'bob');
    assert.equal(open.length, 1);
    await bob.request(LowerHandRequest.type, { requestId: open[0]!.id });
  });

  it('runs a session: raised with the failing test, queued, taken, followed with the terminal (the student told), ended; all audited', async () => {
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    const tara = await t.connect('tara');
    const { request: a } = await alice.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'negative numbers?', failingTest: failing });
    assert.deepEqual([a.state, a.position, a.failingTest, a.studentName], ['waiting', 1, failing, 'Alice']);
    await tara.waitForEvent('events/helpChanged', (p) => (p.request as { id: string }).id === a.id && p.cause === 'raised');
    const { request: b } = await bob.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'py-primes', message: 'primes are slow' });
    assert.equal(b.position, 2, "Bob is 2nd in the queue");
    assert.deepEqual((await queue('bob')).requests.map((r) => [r.id, r.position]), [[b.id, 2]], 'a student sees their own, with its place');
    assert.equal((await queue('bob')).waiting, 2);
    assert.deepEqual((await queue('tara')).requests.map((r) => r.studentId), ['alice', 'bob'], 'oldest first');

    // Tara teaches Bob's section: his hand comes first for her.
    await t.hub.store.database.db.updateTable('enrolments').set({ section_id: 'lab-b' }).where('course_id', '=', 'cs101').where('person_id', 'in', ['tara', 'bob']).execute();
    assert.deepEqual((await queue('tara')).requests.map((r) => [r.studentId, r.section]), [['bob', 'lab-b'], ['alice', undefined]]);
    assert.deepEqual((await queue('prof')).requests.map((r) => r.studentId), ['alice', 'bob'], 'the professor has no section: oldest first');

    const { request: taken } = await tara.request(TakeHelpRequest.type, { requestId: a.id });
    assert.deepEqual([taken.state, taken.helperId, taken.helperName, taken.position], ['helping', 'tara', 'Tara (assistant)', undefined]);
    await alice.waitForEvent('events/helpChanged', (p) => p.cause === 'taken' && (p.request as { helperName?: string }).helperName === 'Tara (assistant)');
    assert.equal((await refusal((await t.connect('prof')).request(TakeHelpRequest.type, { requestId: a.id }))).code, 'Conflict', 'taken once');
    assert.equal((await refusal((await t.connect('prof')).request(FollowHelpRequest.type, { requestId: a.id }))).code, 'Conflict', 'followed by its helper only');
    assert.equal((await queue('bob')).requests[0]!.position, 1, 'Bob moves up once Alice is being helped');
    const moved = await bob.waitForEvent('events/helpChanged', (p) => p.cause === 'moved');
    assert.deepEqual([(moved.request as { id: string }).id, (moved.request as { position?: number }).position], [b.id, 1], 'and is told so');

    const followed = await tara.request(FollowHelpRequest.type, { requestId: a.id, terminal: true });
    assert.equal(followed.connectPath, '/v1/workspaces/cs101--alice/connect');
    assert.ok(followed.request.terminalSince, 'the terminal view is recorded');
    const told = await alice.waitForEvent('events/helpChanged', (p) => p.cause === 'terminal');
    assert.equal((told.request as { helperName?: string }).helperName, 'Tara (assistant)');
    assert.equal(await workspaceState('alice'), 'running');

    // The student ends the session; it cannot be taken or ended again.
    const { request: ended } = await alice.request(EndHelpRequest.type, { requestId: a.id });
    assert.deepEqual([ended.state, ended.endedBy], ['ended', 'alice']);
    await tara.waitForEvent('events/helpChanged', (p) => p.cause === 'ended' && (p.request as { id: string }).id === a.id);
    for (const type of [TakeHelpRequest.type, FollowHelpRequest.type, EndHelpRequest.type]) {
      const r = await refusal(tara.endpoint.request(type as typeof TakeHelpRequest.type, { requestId: a.id }));
      assert.equal(r.code, 'Conflict', type.method);
      assert.match(r.message, /is over/);
    }
    assert.equal((await refusal(alice.request(LowerHandRequest.type, { requestId: a.id }))).code, 'Conflict');

    // Staff end Bob's without following; the log holds every step of both.
    await tara.request(TakeHelpRequest.type, { requestId: b.id });
    await (await t.connect('prof')).request(EndHelpRequest.type, { requestId: b.id });
    assert.deepEqual((await queue()).requests, []);
    // (Steps within one millisecond have no order in the log: compare the sets.)
    const log = (await helpAudit()).map((e) => `${e.actorId} ${e.action} ${e.target}`).sort();
    assert.deepEqual(log, ['tara help.take alice', 'tara help.follow alice', 'tara help.terminal alice', 'alice help.end alice', 'tara help.take bob', 'prof help.end bob'].sort());

    // The helper's terminal through the gateway, then nothing left running of it.
    const gw = await t.connect('tara', '/v1/workspaces/cs101--alice/connect');
    assert.deepEqual((await gw.request(TerminalListRequest.type, {})).terminals, [], 'following opened no terminal by itself');
  });

  it('puts the helper’s sections first and keeps the order otherwise', () => {
    const q = [{ id: 1 }, { id: 2, section: 'a' }, { id: 3, section: 'b' }, { id: 4, section: 'a' }];
    assert.deepEqual(queueOrder(q, new Set(['a'])).map((r) => r.id), [2, 4, 1, 3]);
    assert.deepEqual(queueOrder(q, new Set()).map((r) => r.id), [1, 2, 3, 4]);
  });
});

describe('live help when a student is withdrawn', function () {
  this.timeout(120_000);
  let t: TestHub;

  beforeEach(async () => {
    t = await startTestHub();
  });
  afterEach(async () => t?.close());

  const ROSTER_WITHOUT_BOB = ['id,name,email,role,section', 'prof,Prof. Ada,,professor,', 'tara,Tara (assistant),,assistant,', 'carol,Carol,,student,'].join('\n');

  it('ends the hand of a student withdrawn by hand or by a roster import, tells both sides, and those behind move up', async () => {
    const prof = await t.connect('prof');
    const [alice, bob, carol] = [await t.connect('alice'), await t.connect('bob'), await t.connect('carol')];
    const a = (await alice.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'stuck' })).request;
    const b = (await bob.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'stuck too' })).request;
    const c = (await carol.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'me three' })).request;
    assert.deepEqual([a.position, b.position, c.position], [1, 2, 3]);

    // Alice, waiting first, withdrawn by hand: her hand ends; Bob and Carol move up.
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'alice' });
    const ended = await prof.waitForEvent('events/helpChanged', (p) => p.cause === 'ended' && (p.request as { id: string }).id === a.id);
    assert.deepEqual([(ended.request as { state: string }).state, (ended.request as { endedBy: string }).endedBy], ['ended', 'prof']);
    await bob.waitForEvent('events/helpChanged', (p) => p.cause === 'moved' && (p.request as { position?: number }).position === 1);
    await carol.waitForEvent('events/helpChanged', (p) => p.cause === 'moved' && (p.request as { position?: number }).position === 2);
    assert.deepEqual((await prof.request(ListHelpQueueRequest.type, { courseId: 'cs101' })).requests.map((r) => r.studentId), ['bob', 'carol']);

    // Bob, in a session with Tara, left out of an imported roster: the session ends too, the helper named in the log.
    const tara = await t.connect('tara');
    await tara.request(TakeHelpRequest.type, { requestId: b.id });
    const imported = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER_WITHOUT_BOB, apply: true });
    assert.equal(imported.counts.withdrawn, 1);
    await tara.waitForEvent('events/helpChanged', (p) => p.cause === 'ended' && (p.request as { id: string }).id === b.id);
    const queue = await prof.request(ListHelpQueueRequest.type, { courseId: 'cs101' });
    assert.deepEqual([queue.requests.map((r) => r.studentId), queue.waiting], [['carol'], 1]);
    const log = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'help.end');
    assert.deepEqual(
      log.map((e) => [e.actorId, e.target, JSON.parse(e.detail!).by, JSON.parse(e.detail!).helper]).sort(),
      [
        ['prof', 'alice', 'withdrawal', undefined],
        ['prof', 'bob', 'withdrawal', 'tara'],
      ],
    );
    // Withdrawn, Alice cannot raise her hand again; Carol's is untouched.
    assert.match((await refusal(alice.request(RaiseHandRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', message: 'again' }))).message, /withdrawn from course cs101/);
    const carolRow = (await t.hub.store.help.get(c.id))!;
    assert.deepEqual([carolRow.state, carolRow.endedBy], ['waiting', undefined]);
  });
});
