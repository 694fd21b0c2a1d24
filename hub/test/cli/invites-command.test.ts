// `classpod-hub invites create|list|revoke` as an operator uses it, while the
// hub serves: the code it prints once enrols a student through the hub's API
// (up to its use limit, in its section), the list shows each invite's state,
// and a revoked invite stops working. Mistakes are refused with exit code 2
// and write nothing; an invite of another course cannot be revoked by naming
// the wrong course.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JoinCourseRequest, ProtocolError } from '@classpod/protocol';
import { HUB_CLI } from '../support/hub-process';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('classpod-hub invites', function () {
  this.timeout(60_000);
  let dataDir: string;
  let t: TestHub;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-invites-'));
    t = await startTestHub({ dataDir });
  });
  after(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  const inviteRows = async (): Promise<number> => (await t.hub.store.database.db.selectFrom('invites').select('id').execute()).length;
  const join_ = async (person: string, code: string): Promise<{ courseId: string; role: string; joined: boolean }> => {
    const c = await t.connect(person);
    try {
      return await c.request(JoinCourseRequest.type, { code });
    } finally {
      c.close();
    }
  };

  it('creates an invite whose code enrols students through the hub, up to its limit, and lists its state', async () => {
    const made = run(['invites', 'create', '--course', 'cs202', '--expires', '7d', '--max-uses', '1', '--section', 'lab-a'], { CLASSPOD_PUBLIC_URL: 'https://hub.uni.example' });
    assert.equal(made.status, 0, made.err);
    const code = /^code: (\S+)/m.exec(made.out)?.[1];
    const id = /^invite (inv\S+) to cs202, section lab-a: students, until \S+, at most 1 use$/m.exec(made.out)?.[1];
    assert.ok(code && id, made.out);
    assert.match(made.out, new RegExp(`^link: https://hub\\.uni\\.example/v1/join/${code}$`, 'm'));

    // alice (a cs101 student) joins cs202 with it, in its section; the second person is refused: one use.
    const joined = await join_('alice', code.toLowerCase());
    assert.deepEqual([joined.courseId, joined.role, joined.joined], ['cs202', 'student', true]);
    const enrolment = await t.hub.store.database.db.selectFrom('enrolments').select(['role', 'section_id']).where('course_id', '=', 'cs202').where('person_id', '=', 'alice').executeTakeFirstOrThrow();
    assert.deepEqual(enrolment, { role: 'student', section_id: 'lab-a' });
    await assert.rejects(join_('bob', code), (err: unknown) => err instanceof ProtocolError && /used 1 times, its limit/.test(err.message));

    const listed = run(['invites', 'list', '--course', 'cs202']);
    assert.equal(listed.status, 0, listed.err);
    assert.match(listed.out, new RegExp(`^${id} {2}used-up {2}1/1 used {2}until \\S+ {2}section lab-a {2}by operator$`, 'm'));
    const audit = await t.hub.store.database.db.selectFrom('audit').select(['action', 'actor_id']).where('target', '=', id).execute();
    assert.deepEqual(audit.map((a) => `${a.action}:${a.actor_id}`).sort(), ['invite.create:operator', 'invite.join:alice']);
  });

  it('revokes: the code stops working, who joined stays, and another course cannot be named for it', async () => {
    const made = run(['invites', 'create', '--course', 'cs101']);
    assert.equal(made.status, 0, made.err);
    const code = /^code: (\S+)/m.exec(made.out)![1]!;
    const id = /^invite (inv\S+)/m.exec(made.out)![1]!;
    assert.doesNotMatch(made.out, /^link:/m, 'no public URL: no link');
    assert.equal((await join_('dave', code)).joined, true);

    // The invite is cs101's: naming cs202 finds nothing and changes nothing.
    const wrong = run(['invites', 'revoke', id, '--course', 'cs202']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.err, new RegExp(`no invite ${id} in course cs202`));
    assert.equal((await t.hub.store.invites.get('cs101', id))!.revokedAt, undefined);

    const revoked = run(['invites', 'revoke', id, '--course', 'cs101']);
    assert.equal(revoked.status, 0, revoked.err);
    assert.match(revoked.out, /^revoked invite inv\S+; the 1 student who joined with it stay enrolled$/m);
    assert.match(run(['invites', 'revoke', id, '--course', 'cs101']).out, /was already revoked/);
    await assert.rejects(join_('carol', code), (err: unknown) => err instanceof ProtocolError && /was revoked/.test(err.message));
    assert.equal(await t.hub.store.courses.roleIn('cs101', 'dave'), 'student');
    assert.match(run(['invites', 'list', '--course', 'cs101']).out, new RegExp(`^${id} {2}revoked`, 'm'));
  });

  for (const [what, args, message] of [
    ['an unknown course', ['invites', 'create', '--course', 'cs999'], /no course cs999/],
    ['a lifetime beyond a year', ['invites', 'create', '--course', 'cs101', '--expires', '400d'], /at most 366 days/],
    ['a lifetime that is no duration', ['invites', 'create', '--course', 'cs101', '--expires', 'soon'], /not a duration like 14d/],
    ['a use limit of zero', ['invites', 'create', '--course', 'cs101', '--max-uses', '0'], /--max-uses must be a whole number from 1 to 100000/],
    ['a fractional use limit', ['invites', 'create', '--course', 'cs101', '--max-uses', '2.5'], /--max-uses must be a whole number/],
    ['a section that is no id', ['invites', 'create', '--course', 'cs101', '--section', '../x'], /--section "..\/x" is not a section id/],
    ['a course id that is no id', ['invites', 'list', '--course', 'CS 101'], /course id .* is not allowed/],
    ['a revoke without the invite', ['invites', 'revoke', '--course', 'cs101'], /--INVITE_ID is required/],
  ] as const) {
    it(`refuses ${what} with exit code 2 and writes nothing`, async () => {
      const before = await inviteRows();
      const r = run([...args]);
      assert.equal(r.status, 2, r.out + r.err);
      assert.match(r.err, message);
      assert.equal(await inviteRows(), before);
    });
  }
});
