// Enrolment by invite against a real hub, from the professor's side and the
// attacker's: a code that enrols students until it expires (by the hub's
// clock), is revoked or is used up, racing joins that never pass the limit,
// and nobody but the course's professors making, listing or revoking one.

import assert from 'node:assert/strict';
import {
  CreateInviteRequest,
  JoinCourseRequest,
  ListAuditRequest,
  ListCoursePeopleRequest,
  ListInvitesRequest,
  RevokeInviteRequest,
  WithdrawStudentRequest,
} from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import { refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import { TestClient } from '../support/test-client';


describe('invites: enrolment by code', function () {
  this.timeout(120_000);
  let t: TestHub;
  let clock: ManualClock;
  let prof: TestClient;
  const inDays = (d: number): string => new Date(clock.now().getTime() + d * 86_400_000).toISOString();
  /** A person the hub knows, in no course yet, connected with their own token. */
  const newcomer = async (id: string): Promise<TestClient> => {
    await t.hub.store.people.upsert({ id, name: id.toUpperCase(), admin: false });
    return TestClient.connect(t.hub.url, (await t.hub.tokens.issue({ personId: id, scopes: ['hub'] })).token);
  };
  const opened: TestClient[] = [];
  const join = async (id: string, code: string) => {
    const c = await newcomer(id);
    opened.push(c);
    return c.request(JoinCourseRequest.type, { code });
  };

  beforeEach(async () => {
    clock = new ManualClock('2026-12-01T10:00:00.000Z');
    t = await startTestHub({ clock });
    prof = await t.connect('prof');
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) c.close();
    await t?.close();
  });

  it('enrols whoever joins as a student of its section, up to its limit, and shows its code only once', async () => {
    const made = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(7), maxUses: 2, section: 'a' });
    assert.match(made.code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(made.link, `${t.hub.url}/v1/join/${made.code}`);
    assert.deepEqual(
      { role: made.invite.role, uses: made.invite.uses, maxUses: made.invite.maxUses, state: made.invite.state, section: made.invite.section },
      { role: 'student', uses: 0, maxUses: 2, state: 'active', section: 'a' },
    );
    assert.ok(!JSON.stringify(await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).includes(made.code.slice(0, 5)), 'a list never shows a code');

    // Typed in lower case without hyphens, it still works.
    assert.deepEqual(await join('gina', made.code.toLowerCase().replace(/-/g, '')), { courseId: 'cs101', title: 'Introduction to Programming (demo)', role: 'student', joined: true });
    // Someone already in the course keeps their role and uses nothing.
    const tara = await t.connect('tara');
    assert.deepEqual(await tara.request(JoinCourseRequest.type, { code: made.code }), { courseId: 'cs101', title: 'Introduction to Programming (demo)', role: 'assistant', joined: false });
    await join('hank', made.code);
    await assert.rejects(join('ivan', made.code), refusal('Forbidden', /this invite to cs101 was used 2 times, its limit/));

    const people = (await prof.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people.map((p) => `${p.personId}:${p.role}`);
    assert.ok(people.includes('gina:student') && people.includes('hank:student') && !people.some((p) => p.startsWith('ivan')), people.join(' '));
    assert.equal((await t.hub.context.rosters.sectionsIn('cs101')).get('gina'), 'a');
    const [listed] = (await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).invites;
    assert.deepEqual([listed!.uses, listed!.state], [2, 'used-up']);
    const log = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries;
    assert.ok(log.some((e) => e.action === 'invite.create' && e.actorId === 'prof'));
    assert.ok(log.some((e) => e.action === 'invite.join' && e.actorId === 'gina'));
    assert.ok(log.some((e) => e.action === 'role.change' && e.target === 'hank' && JSON.parse(e.detail!).source === 'invite'));
  });

  it('refuses an expired, a revoked and an unknown code, and a withdrawn student', async () => {
    const soon = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(1) });
    clock.advance(86_400_000);
    await assert.rejects(join('gina', soon.code), refusal('Forbidden', /this invite to cs101 expired at 2026-12-02T10:00:00\.000Z/));
    assert.equal((await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).invites[0]!.state, 'expired');

    const revoked = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3) });
    assert.equal((await prof.request(RevokeInviteRequest.type, { courseId: 'cs101', inviteId: revoked.invite.id })).invite.state, 'revoked');
    await assert.rejects(join('hank', revoked.code), refusal('Forbidden', /was revoked/));

    await assert.rejects(join('ivan', 'AAAAA-BBBBB-CCCCC'), refusal('NotFound', /no invite has this code/));
    await assert.rejects(join('jill', '../../etc/passwd'), refusal('InvalidParams'));
    await assert.rejects(join('kate', "' OR 1=1 --"), refusal('InvalidParams'));

    const open = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3) });
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'bob' });
    const bob = await t.connect('bob');
    await assert.rejects(bob.request(JoinCourseRequest.type, { code: open.code }), refusal('Forbidden', /you were withdrawn from course cs101; an invite does not enrol you again/));

    const people = (await prof.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people.map((p) => p.personId);
    for (const who of ['gina', 'hank', 'ivan', 'jill', 'kate']) assert.ok(!people.includes(who), who);
    assert.equal((await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).invites.reduce((n, i) => n + i.uses, 0), 0);
  });

  it('lets racing joins pass a limit of one exactly once', async () => {
    const made = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(2), maxUses: 1 });
    const clients = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map(newcomer));
    opened.push(...clients);
    const outcomes = await Promise.allSettled(clients.map((c) => c.request(JoinCourseRequest.type, { code: made.code })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, JSON.stringify(outcomes.map((o) => o.status)));
    for (const o of outcomes) if (o.status === 'rejected') refusal('Forbidden', /its limit/)(o.reason);
    assert.equal((await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).invites[0]!.uses, 1);
  });

  it('refuses an expiry in the past or more than a year ahead', async () => {
    await assert.rejects(prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(-1) }), refusal('InvalidParams', /is not in the future/));
    await assert.rejects(prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(400) }), refusal('InvalidParams', /at most 366 days/));
    await assert.rejects(prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3), maxUses: 0 }), refusal('InvalidParams'));
  });

  it('lets nobody but the course\'s professors make, list or revoke invites', async () => {
    const made = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3) });
    for (const who of ['tara', 'alice', 'olga', 'dave']) {
      const c = await t.connect(who);
      await assert.rejects(c.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3) }), refusal('Forbidden'), who);
      await assert.rejects(c.request(ListInvitesRequest.type, { courseId: 'cs101' }), refusal('Forbidden'), who);
      await assert.rejects(c.request(RevokeInviteRequest.type, { courseId: 'cs101', inviteId: made.invite.id }), refusal('Forbidden'), who);
    }
    // Olga's own course cannot reach cs101's invite by its id.
    const olga = await t.connect('olga');
    await assert.rejects(olga.request(RevokeInviteRequest.type, { courseId: 'cs202', inviteId: made.invite.id }), refusal('NotFound'));
    assert.equal((await prof.request(ListInvitesRequest.type, { courseId: 'cs101' })).invites[0]!.state, 'active');
  });

  it("serves an invite link's page that names the code and checks nothing", async () => {
    const made = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: inDays(3) });
    for (const code of [made.code, 'AAAAA-BBBBB-CCCCC']) {
      const res = await fetch(`${t.hub.url}/v1/join/${code}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await res.text();
      assert.match(text, /Join Course with Invite Code/);
      assert.ok(text.includes(code));
    }
    assert.equal((await fetch(`${t.hub.url}/v1/join/%3Cscript%3E`)).status, 404);
  });
});
