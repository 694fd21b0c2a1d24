// Course administration against a real hub, from the professor's side and
// the attacker's: creating a course (and becoming its professor), its
// settings, an assignment's dates — and nobody else doing any of it.

import assert from 'node:assert/strict';
import {
  CreateCourseRequest,
  GetAssignmentRequest,
  GetCourseSettingsRequest,
  ListAuditRequest,
  ListCoursesRequest,
  SetAssignmentDatesRequest,
  UpdateCourseRequest,
} from '@classpod/protocol';
import { refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';


describe('course administration', function () {
  this.timeout(120_000);
  let t: TestHub;
  let prof: TestClient;
  before(async () => {
    t = await startTestHub();
    prof = await t.connect('prof');
  });
  after(async () => {
    await t?.close();
  });

  it('lets a professor create a course and become its professor, once', async () => {
    const made = await prof.request(CreateCourseRequest.type, { courseId: 'cs303', title: '  Compilers ' });
    assert.deepEqual(made.settings, { courseId: 'cs303', title: 'Compilers' });
    assert.equal((await prof.request(ListCoursesRequest.type, {})).courses.find((c) => c.id === 'cs303')?.role, 'professor');
    await assert.rejects(prof.request(CreateCourseRequest.type, { courseId: 'cs303', title: 'Again' }), refusal('Conflict', /exists already/));
    await assert.rejects(prof.request(CreateCourseRequest.type, { courseId: '../cs', title: 'X' }), refusal('InvalidParams'));
    const log = (await prof.request(ListAuditRequest.type, { courseId: 'cs303' })).entries.map((e) => e.action);
    assert.ok(log.includes('course.create') && log.includes('role.change'), log.join(', '));
  });

  it('lets no assistant or student create a course', async () => {
    for (const who of ['tara', 'alice', 'dave']) {
      const c = await t.connect(who);
      await assert.rejects(c.request(CreateCourseRequest.type, { courseId: `x-${who}`, title: 'Mine' }), refusal('Forbidden', /only administrators and professors/), who);
    }
    assert.equal(await t.hub.store.courses.get('x-tara'), undefined);
  });

  it("changes a course's settings, and a null returns one to the deployment's", async () => {
    const s = await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', idleMinutes: 30, officialSandboxes: ['isolate', 'isolate', 'local'] });
    assert.deepEqual(s.settings, { courseId: 'cs101', title: 'Introduction to Programming (demo)', idleMinutes: 30, officialSandboxes: ['isolate', 'local'] });
    assert.equal(await t.hub.store.courses.idleStopSeconds('cs101'), 1800);
    const back = await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', idleMinutes: null, officialSandboxes: null });
    assert.deepEqual(back.settings, { courseId: 'cs101', title: 'Introduction to Programming (demo)' });
    assert.deepEqual((await prof.request(GetCourseSettingsRequest.type, { courseId: 'cs101' })).settings, back.settings);
    for (const bad of [{ idleMinutes: 0 }, { idleMinutes: 5000 }, { officialSandboxes: ['docker'] }, { officialSandboxes: [] }, { title: '' }, { title: '   ' }]) {
      await assert.rejects(prof.request(UpdateCourseRequest.type, { courseId: 'cs101', ...bad } as never), refusal('InvalidParams'), JSON.stringify(bad));
    }
  });

  it("changes an assignment's dates, checked, and students read the new due time", async () => {
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const cutoff = new Date(Date.now() + 12 * 86_400_000).toISOString();
    const set = await prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', dueAt: due, cutoffAt: cutoff, penaltyPercentPerDay: 5 });
    assert.deepEqual([set.dueAt, set.cutoffAt, set.penaltyPercentPerDay], [due, cutoff, 5]);
    const alice = await t.connect('alice');
    assert.equal((await alice.request(GetAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).assignment.dueAt, due);
    await assert.rejects(
      prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', opensAt: new Date(Date.now() + 20 * 86_400_000).toISOString() }),
      refusal('InvalidParams', /would open .* at or after it is due/),
    );
    await assert.rejects(prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', cutoffAt: new Date(Date.now()).toISOString() }), refusal('InvalidParams', /before the due time/));
    await assert.rejects(prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', dueAt: null }), refusal('InvalidParams', /cut-off needs a due time/));
    await assert.rejects(prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', penaltyPercentPerDay: 101 }), refusal('InvalidParams'));
    await assert.rejects(prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'nope' }), refusal('NotFound'));
    assert.equal((await alice.request(GetAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).assignment.dueAt, due, 'a refused change changes nothing');
    const log = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries;
    assert.ok(log.some((e) => e.action === 'assignment.dates' && e.target === 'c-sum'));
  });

  it("lets no assistant, student or other course's professor change settings or dates", async () => {
    for (const who of ['tara', 'alice', 'olga']) {
      const c = await t.connect(who);
      await assert.rejects(c.request(UpdateCourseRequest.type, { courseId: 'cs101', title: 'Hacked' }), refusal('Forbidden'), who);
      await assert.rejects(c.request(GetCourseSettingsRequest.type, { courseId: 'cs101' }), refusal('Forbidden'), who);
      await assert.rejects(c.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', dueAt: new Date(Date.now() + 99 * 86_400_000).toISOString() }), refusal('Forbidden'), who);
    }
    assert.equal((await t.hub.store.courses.get('cs101'))?.title, 'Introduction to Programming (demo)');
  });
});
