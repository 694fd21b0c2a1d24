// Rosters against a real hub over real WebSockets, from the professor's side
// and from the attacker's: a preview that changes nothing, an import that is
// idempotent and all or nothing, bad CSVs refused with their line, people who
// may not import refused, and a withdrawn student whose work is kept while
// their further work is refused.

import assert from 'node:assert/strict';
import {
  ExportGradesRequest,
  ExportRosterRequest,
  ImportRosterRequest,
  ListAuditRequest,
  ListCoursePeopleRequest,
  ListCoursesRequest,
  ListSubmissionsRequest,
  SubmitRequest,
  WithdrawStudentRequest,
} from '@classpod/protocol';
import { refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import { HttpRefusal, TestClient } from '../support/test-client';


/** The cs101 roster as the test hub sets it up, plus two new students in section a. */
const ROSTER = [
  'id,name,email,role,section',
  'prof,Prof. Ada,,professor,',
  'tara,Tara (assistant),,assistant,a',
  'alice,Alice,,student,a',
  'bob,Bob,,student,b',
  'carol,Carol,,student,b',
  'erin,"Erin, the new one",erin@example.org,student,a',
  'frank,Frank,,student,',
].join('\n');

describe('rosters: import, export and withdrawal', function () {
  this.timeout(120_000);
  let t: TestHub;
  let prof: TestClient;
  const people = async (): Promise<string> =>
    (await prof.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people.map((p) => `${p.personId}:${p.role}`).sort().join(' ');

  beforeEach(async () => {
    t = await startTestHub();
    prof = await t.connect('prof');
  });
  afterEach(async () => {
    await t?.close();
  });

  it('previews without changing anything, applies the same changes, and a second import changes nothing', async () => {
    const before = await people();
    const preview = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER });
    assert.equal(preview.applied, false);
    assert.deepEqual(preview.counts, { added: 2, changed: 4, withdrawn: 0, unchanged: 1 });
    const erin = preview.changes.find((c) => c.personId === 'erin')!;
    assert.deepEqual(erin, { kind: 'added', personId: 'erin', name: 'Erin, the new one', role: 'student', section: 'a', line: 7 });
    assert.equal(await people(), before, 'a preview changes nothing');

    const applied = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true, previewId: preview.previewId });
    assert.equal(applied.applied, true);
    assert.deepEqual(applied.counts, preview.counts);
    assert.match(await people(), /erin:student .*frank:student/);
    // The new students can sign in and see their course.
    const token = (await t.hub.tokens.issue({ personId: 'erin', scopes: ['hub'] })).token;
    const erinClient = await TestClient.connect(t.hub.url, token);
    assert.deepEqual((await erinClient.request(ListCoursesRequest.type, {})).courses.map((c) => c.id), ['cs101']);
    erinClient.close();

    const again = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true });
    assert.deepEqual(again.counts, { added: 0, changed: 0, withdrawn: 0, unchanged: 7 });
    // The export is an import that changes nothing.
    const { csv, fileName } = await prof.request(ExportRosterRequest.type, { courseId: 'cs101' });
    assert.equal(fileName, 'cs101-roster.csv');
    assert.match(csv, /^id,name,email,role,section,status\r\n/);
    assert.match(csv, /erin,"Erin, the new one",erin@example.org,student,a,enrolled\r\n/);
    assert.deepEqual((await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv })).counts, { added: 0, changed: 0, withdrawn: 0, unchanged: 7 });

    const log = await prof.request(ListAuditRequest.type, { courseId: 'cs101' });
    const imports = log.entries.filter((e) => e.action === 'roster.import');
    assert.equal(imports.length, 2, 'previews are not logged; both applies are');
    assert.ok(log.entries.some((e) => e.action === 'role.change' && e.target === 'erin' && JSON.parse(e.detail!).source === 'roster'));
  });

  it('refuses a bad row with its line number and applies nothing of the rows before it', async () => {
    const before = await people();
    const cases: Array<[string, RegExp]> = [
      [ROSTER + '\n../etc,Mallory,,student,', /line 9: person id `\.\.\/etc` is not allowed/],
      [ROSTER + '\n=cmd|calc,Mallory,,student,', /line 9: person id `=cmd\|calc` is not allowed/],
      [ROSTER + '\nmallory,Mallory,,root,', /line 9: role `root` is not one of professor, assistant \(or ta\), student/],
      [ROSTER + '\nalice,Alice again,,student,', /line 9: alice is already on line 4/],
      [ROSTER + '\nmallory,,,student,', /line 9: the name of mallory is empty/],
      [ROSTER + '\nmallory,Mallory,not-an-address,student,', /line 9: `not-an-address` is not an email address/],
      [ROSTER + '\nmallory,Mallory,,student', /Invalid Record Length: expect 5, got 4 on line 9/],
      [ROSTER + '\nmallory,Mallory,,student,../x', /line 9: section `\.\.\/x` is not allowed/],
      [ROSTER + '\nmallory,Mallory,,student,a;b', /line 9: a student belongs to one section; mallory is given a, b/],
      [ROSTER + '\nmallory,Mallory,,assistant,a;../x', /line 9: section `\.\.\/x` is not allowed/],
      [ROSTER + '\nmallory,"Mal\u0007lory",,student,', /line 9: the name holds a control character/],
      [ROSTER + `\nmallory,${'M'.repeat(10_000)},,student,`, /the CSV cannot be read: Max Record Size: .* 4096 at line 9/],
      ['id,name,password\nalice,Alice,hunter2', /line 1: unknown column `password`; the columns are id, name, email, role, section, status/],
      ['name,email\nAlice,a@example.org', /line 1: the header must name the columns id and name/],
      ['id,name,id\nalice,Alice,alice', /line 1: the column id appears twice/],
      ['', /the CSV is empty/],
      ['id,name\n"alice,Alice', /the CSV cannot be read: Quote Not Closed/],
      ['id,name\nalice,Alice\n\n"bob\nsmith",Bob', /line 4: the id holds a control character/],
      [ROSTER.replace('prof,Prof. Ada,,professor,', 'prof,Prof. Ada,,student,'), /line 2: you cannot change your own role \(professor\)/],
    ];
    for (const [csv, message] of cases) {
      await assert.rejects(prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv, apply: true }), refusal('InvalidParams', message), message.source);
    }
    // Over the size limit the schema refuses it before anything is read.
    await assert.rejects(prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: 'id,name\n' + 'x,X\n'.repeat(300_000), apply: true }), refusal('InvalidParams'));
    assert.equal(await people(), before);
    assert.equal((await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'roster.import').length, 0);
  });

  it('refuses an apply whose preview is out of date', async () => {
    const preview = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER });
    await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER + '\ngus,Gus,,student,', apply: true });
    await assert.rejects(
      prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true, previewId: preview.previewId }),
      refusal('Conflict', /changed since the preview/),
    );
  });

  it('lets no student, assistant or other course\'s professor import, export or withdraw', async () => {
    const before = await people();
    for (const who of ['alice', 'tara', 'olga', 'dave']) {
      const c = await t.connect(who);
      const csv = 'id,name,role\nalice,Alice,professor\n' + who + ',X,professor';
      await assert.rejects(c.request(ImportRosterRequest.type, { courseId: 'cs101', csv, apply: true }), refusal('Forbidden'), who);
      await assert.rejects(c.request(ImportRosterRequest.type, { courseId: 'cs101', csv }), refusal('Forbidden'), who);
      await assert.rejects(c.request(ExportRosterRequest.type, { courseId: 'cs101' }), refusal('Forbidden'), who);
      await assert.rejects(c.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'bob' }), refusal('Forbidden'), who);
    }
    assert.equal(await people(), before);
  });

  it("never renames a person of another course: a known person keeps the name the hub has", async () => {
    const olga = await t.connect('olga');
    const r = await olga.request(ImportRosterRequest.type, { courseId: 'cs202', csv: 'id,name\ndave,Dave\nprof,"=HYPERLINK(""http://evil"")"', apply: true });
    assert.equal(r.changes.find((c) => c.personId === 'prof')?.name, 'Prof. Ada');
    assert.equal((await t.hub.store.people.get('prof'))?.name, 'Prof. Ada');
    // A formula a new person's name holds is exported defused.
    await olga.request(ImportRosterRequest.type, { courseId: 'cs202', csv: 'id,name\ndave,Dave\nprof,Ada\nmal,=1+2', apply: true });
    assert.match((await olga.request(ExportRosterRequest.type, { courseId: 'cs202' })).csv, /\r\nmal,'=1\+2,,student,,enrolled\r\n/);
  });

  it("withdraws the students a roster leaves out: their work is kept, their workspace stopped, their further work refused", async () => {
    const alice = await t.connect('alice');
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const submitted = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    assert.equal((await t.hub.provider.status({ courseId: 'cs101', studentId: 'alice' })).state, 'running');

    const withoutAlice = ROSTER.split('\n').filter((l) => !l.startsWith('alice,')).join('\n');
    const preview = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: withoutAlice });
    assert.deepEqual(preview.changes.filter((c) => c.kind === 'withdrawn').map((c) => c.personId), ['alice']);
    await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: withoutAlice, apply: true, previewId: preview.previewId });

    assert.notEqual((await t.hub.provider.status({ courseId: 'cs101', studentId: 'alice' })).state, 'running');
    await assert.rejects(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), refusal('Forbidden', /you were withdrawn from course cs101: your submissions and grades are kept/));
    await assert.rejects(alice.request(ListSubmissionsRequest.type, { courseId: 'cs101' }), refusal('Forbidden', /withdrawn/));
    assert.deepEqual((await alice.request(ListCoursesRequest.type, {})).courses, []);
    await assert.rejects(TestClient.connect(t.hub.url, t.tokens.alice, '/v1/workspaces/cs101--alice/connect'), (err: unknown) => err instanceof HttpRefusal && err.status === 403);

    // Staff still see her submission and grade.
    assert.ok((await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101', studentId: 'alice' })).submissions.some((s) => s.id === submitted));
    assert.match((await prof.request(ExportGradesRequest.type, { courseId: 'cs101' })).csv, /\r\nalice,Alice,/);
    assert.match((await prof.request(ExportRosterRequest.type, { courseId: 'cs101' })).csv, /\r\nalice,Alice,,student,,withdrawn\r\n/);
    const log = await prof.request(ListAuditRequest.type, { courseId: 'cs101' });
    assert.ok(log.entries.some((e) => e.action === 'enrolment.withdraw' && e.target === 'alice'));

    // Back on the roster: she works again.
    await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true });
    await alice.request(ListSubmissionsRequest.type, { courseId: 'cs101' });
  });

  it("gives each member their section: staff read their students' sections and their own", async () => {
    await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true });
    const tara = await t.connect('tara');
    const people = (await tara.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people;
    assert.deepEqual(
      people.filter((p) => p.section).map((p) => `${p.personId}:${p.section}`),
      ['alice:a', 'bob:b', 'carol:b', 'erin:a', 'tara:a'],
    );
    assert.equal((await tara.request(ListCoursesRequest.type, {})).courses.find((c) => c.id === 'cs101')?.section, 'a');
    assert.equal((await prof.request(ListCoursesRequest.type, {})).courses.find((c) => c.id === 'cs101')?.section, undefined);
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'frank' });
    assert.equal((await tara.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people.find((p) => p.personId === 'frank')?.withdrawn, true);
  });

  it('lets a teaching assistant teach several sections, all of them first in every staff order, and exports them back', async () => {
    const csv = ROSTER.replace('tara,Tara (assistant),,assistant,a', 'tara,Tara (assistant),,ta,"b; a"');
    await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv, apply: true });
    const tara = await t.connect('tara');
    const mine = (await tara.request(ListCoursesRequest.type, {})).courses.find((c) => c.id === 'cs101')!;
    assert.deepEqual([mine.section, mine.sections], ['b', ['b', 'a']]);
    const listed = (await prof.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people.find((p) => p.personId === 'tara')!;
    assert.deepEqual([listed.section, listed.sections], ['b', ['b', 'a']]);
    const exported = (await prof.request(ExportRosterRequest.type, { courseId: 'cs101' })).csv;
    assert.match(exported, /\r\ntara,Tara \(assistant\),,assistant,b;a,enrolled\r\n/);
    // The export imports back unchanged; moving her to one section is a change the preview names.
    const again = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: exported });
    assert.equal(again.counts.changed, 0);
    const one = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER });
    assert.equal(one.counts.changed, 1);
  });

  it('withdraws one student by hand, once', async () => {
    assert.deepEqual(await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'bob' }), { withdrawn: true });
    assert.deepEqual(await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'bob' }), { withdrawn: false });
    await assert.rejects(prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'tara' }), refusal('NotFound', /tara is not a student of course cs101/));
    const bob = await t.connect('bob');
    await assert.rejects(bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), refusal('Forbidden', /withdrawn/));
  });
});
