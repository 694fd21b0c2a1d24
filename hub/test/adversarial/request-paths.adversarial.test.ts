// Attacks on the hub's request paths, from the attacker's side, against a
// real hub process on loopback: one case per class of attack that was
// measured to work. Each asserts what the attacker and the other users see
// (the answer, the close, whether the hub still serves) and checks the
// process table afterwards.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { openStore } from '../../src/store/open-store';
import { HUB_CLI } from '../support/hub-process';
import { HttpRefusal, TestClient } from '../support/test-client';
import { requestText, sendRaw, upgradeHeaders, type RawAnswer } from '@classpod/test-support';
import { assertNoHostPath, startHubUnderAttack, type HubUnderAttack } from '../support/hub-under-attack';
import { DEMO_COURSE_DIR } from '../support/test-hub';

/** A well-formed refusal: a status line, headers, and a JSON body `{ error }` without host paths. */
function assertJsonRefusal(answer: RawAnswer, status: number, dataDir: string, what: string): void {
  assert.equal(answer.status, status, `${what}: ${answer.raw.toString('latin1').slice(0, 600)}`);
  assert.ok(answer.complete, `${what}: the answer is incomplete`);
  assert.match(answer.headers['content-type'] ?? '', /application\/json/, what);
  const body = JSON.parse(answer.body.toString('utf8')) as { error?: unknown };
  assert.equal(typeof body.error, 'string', `${what}: ${answer.body.toString('utf8')}`);
  assertNoHostPath(answer.body.toString('utf8'), dataDir, what);
}

describe('attacks on the hub request paths', function () {
  this.timeout(120_000);
  let t: HubUnderAttack;
  let host: string;

  before(async () => {
    t = await startHubUnderAttack();
    host = new URL(t.url).host;
  });
  // A case that killed the hub does not take the next ones with it.
  beforeEach(async () => {
    if (t.hub.alive) return;
    await t.close();
    t = await startHubUnderAttack();
    host = new URL(t.url).host;
  });
  after(async () => {
    const left = await t?.close();
    assert.deepEqual(left, [], 'processes left behind after the hub stopped');
  });

  it('answers 400 to a WebSocket upgrade whose request target is not a URL, with or without a token, and keeps serving', async () => {
    // `//x:99999/v1/grader` is a well-formed path (an empty first segment) that names no endpoint: 404.
    for (const [target, status] of [['//[', 400], ['//[/v1/connect', 400], ['//x:99999/v1/grader', 404], ['http://[/v1/connect', 400], ['*', 400]] as Array<[string, number]>) {
      for (const auth of [[], [['Authorization', `Bearer ${t.tokens.alice}`]]] as Array<Array<[string, string]>>) {
        const answer = await sendRaw(t.url, requestText('GET', target, [...upgradeHeaders(host), ...auth]));
        assertJsonRefusal(answer, status, t.dataDir, `upgrade to ${target}`);
        await t.assertHealthy(`an upgrade to ${target}`);
      }
    }
  });

  it("answers 400 to a signed-in student's malformed percent-escape in a gateway path or an HTTP route, and keeps serving", async () => {
    for (const id of ['cs101--%E0%A4%A', 'cs101--%', 'cs101--%zz', '%C0%AF--alice', 'cs101--%FF%FE']) {
      const answer = await sendRaw(t.url, requestText('GET', `/v1/workspaces/${id}/connect`, [...upgradeHeaders(host), ['Authorization', `Bearer ${t.tokens.alice}`]]));
      assertJsonRefusal(answer, 400, t.dataDir, `gateway ${id}`);
      await t.assertHealthy(`the gateway path ${id}`);
    }
    for (const target of ['/v1/courses/%E0%A4%A/grades.csv', '/v1/courses/cs101/grades.csv?token=%E0%A4%A', '/v1/courses/%/grades.csv']) {
      const answer = await sendRaw(t.url, requestText('GET', target, [['Host', host], ['Authorization', `Bearer ${t.tokens.prof}`], ['Connection', 'close']]));
      assertJsonRefusal(answer, 400, t.dataDir, target);
    }
    await t.assertHealthy('malformed escapes in HTTP routes');
  });

  it('gives a token exactly its scope: an admin token is not a grader token, nor a person token a grader one', async () => {
    const open = async (token: string, path: string): Promise<number | 'open'> => {
      try {
        (await TestClient.connect(t.url, token, path)).close();
        return 'open';
      } catch (err) {
        if (err instanceof HttpRefusal) return err.status;
        // The grader endpoint answers the handshake too; a refusal is all that matters here.
        throw err;
      }
    };
    assert.equal(await open(t.tokens.admin, '/v1/grader'), 403);
    assert.equal(await open(t.tokens.prof, '/v1/grader'), 403);
    assert.equal(await open(t.tokens.grader, '/v1/connect'), 403);
    assert.equal(await open(t.tokens.grader, '/v1/workspaces/cs101--alice/connect'), 403);
    assert.equal(await open(t.tokens.grader, '/v1/grader'), 'open');
    assert.equal(await open(t.tokens.admin, '/v1/connect'), 'open');
    const csv = await fetch(`${t.url}/v1/courses/cs101/grades.csv`, { headers: { authorization: `Bearer ${t.tokens.grader}` } });
    assert.equal(csv.status, 403);
    await t.assertHealthy('scope checks');
  });

  it('refuses person, course and assignment ids that could name host paths, wherever they enter, with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-ids-'));
    try {
      const run = (args: string[]): { status: number | null; err: string } => {
        const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8' });
        return { status: r.status, err: r.stderr };
      };
      assert.equal(run(['course', 'create', '--from', DEMO_COURSE_DIR]).status, 0);
      const bad = ['../../outside', 'x;touch pwned', '$(id)', 'Alice', 'a/b', 'a'.repeat(64), 'ok\u001b[31m'];
      const attempts: Array<[string, string[]]> = bad.map((id) => ['person', ['people', 'add', '--id', id, '--name', 'Mallory']]);
      // Every other place an id enters, with the two that would name a host path or run a command.
      for (const id of bad.slice(0, 2)) {
        attempts.push(['person', ['people', 'add', '--id', id, '--name', 'Mallory', '--course', 'cs101', '--role', 'student']]);
        attempts.push(['course', ['people', 'add', '--id', 'mallory', '--name', 'Mallory', '--course', id]]);
        attempts.push(['person', ['tokens', 'issue', '--person', id]]);
        attempts.push(['person', ['tokens', 'list', '--person', id]]);
        attempts.push(['course', ['students', 'import', '--course', id, '--csv', '/dev/null']]);
        attempts.push(['course', ['course', 'create', '--id', id, '--title', 'x']]);
        attempts.push(['assignment', ['assignment', 'add', '--course', 'cs101', '--folder', join(DEMO_COURSE_DIR, 'assignments/py-primes'), '--id', id]]);
      }
      for (const [kind, args] of attempts) {
        const r = run(args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.err}`);
        assert.match(r.err, new RegExp(`${kind} id .* lowercase letters`), args.join(' '));
        assert.ok(!r.err.includes('\u001b'), `${args.join(' ')}: no control characters`);
        assert.doesNotMatch(r.err, /\n {4}at /, `${args.join(' ')}: no stack trace`);
      }
      const store = await openStore({ dataDir });
      try {
        for (const id of bad) assert.equal(await store.people.get(id), undefined, id);
        assert.deepEqual((await store.courses.list()).map((c) => c.id), ['cs101']);
      } finally {
        await store.close();
      }
      assert.ok(!existsSync(join(dataDir, '..', 'outside')));
      assert.ok(!existsSync(join(dataDir, 'pwned')));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names no host path in close reasons or error answers when a workspace cannot be opened', async () => {
    // A workspace whose folder cannot be made (a file stands there). (A file a student puts where the
    // hub writes `.classpod/` no longer stops the workspace: the hub clears it, see workspace-isolation.)
    const workspace = join(t.dataDir, 'workspaces', 'cs101', 'bob');
    mkdirSync(join(workspace, '..'), { recursive: true });
    writeFileSync(workspace, 'not a folder');
    const ws = new WebSocket(t.url.replace(/^http/, 'ws') + '/v1/workspaces/cs101--bob/connect', { headers: { authorization: `Bearer ${t.tokens.bob}` } });
    ws.on('error', () => undefined);
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.ok(code >= 1000, String(code));
    assertNoHostPath(reason.toString('utf8'), t.dataDir, `close reason ${code}`);
    const express = await sendRaw(t.url, requestText('GET', '/v1/courses/%E0%A4%A/grades.csv', [['Host', host], ['Connection', 'close']]));
    assertNoHostPath(express.raw.toString('utf8'), t.dataDir, 'the answer to a malformed route parameter');
    assert.doesNotMatch(express.raw.toString('utf8'), /node_modules|\bat [\w.]+ \(/, 'no stack trace');
    await t.assertHealthy('a workspace that cannot be opened');
    rmSync(workspace, { force: true });
  });
});
