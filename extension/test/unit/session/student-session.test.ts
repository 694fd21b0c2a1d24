import * as assert from 'node:assert/strict';
import { silentLogger } from '@classpod/observability';
import { ConnectionError } from '../../../src/connection/connection-error';
import type { ConnectionState } from '../../../src/connection/reconnecting-connection';
import { CourseCatalog } from '../../../src/courses/course-catalog';
import { CREDENTIALS_KEY, StudentSession } from '../../../src/session/student-session';
import { memorySecrets, startFakeHub, type FakeHub } from '../fake-hub';

function nextState(session: StudentSession, kind: ConnectionState['kind']): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const sub = session.connection!.onDidChangeState((s) => {
      if (s.kind === kind) {
        sub.dispose();
        resolve(s);
      }
    });
  });
}

describe('StudentSession', function () {
  let hub: FakeHub;
  let session: StudentSession;
  let secrets: ReturnType<typeof memorySecrets>;

  beforeEach(async () => {
    hub = await startFakeHub();
    secrets = memorySecrets();
    session = new StudentSession({ secrets, logger: silentLogger, clientVersion: 'test' });
  });
  afterEach(async () => {
    session.dispose();
    await hub.close();
  });

  it('signs in, keeps the token in secret storage and lists the courses', async function () {
    const account = await session.signIn(hub.url, 'alice-token');
    assert.equal(account.person.name, 'Alice Student');
    assert.deepEqual(JSON.parse(secrets.map.get(CREDENTIALS_KEY)!), { server: `${hub.url}/`, token: 'alice-token' });
    const catalog = new CourseCatalog(() => session.connection!.ready());
    await catalog.refresh();
    assert.deepEqual(catalog.courses().map((c) => [c.course.id, c.assignments.map((a) => a.id)]), [['cs101', ['hello-c']]]);
  });

  it('stores nothing when the token is refused', async function () {
    await assert.rejects(() => session.signIn(hub.url, 'wrong'), (e: ConnectionError) => e.problem === 'unauthorized');
    assert.equal(secrets.map.size, 0);
    assert.equal(session.account, undefined);
  });

  it('signs in again from secret storage, and forgets the token on sign out', async function () {
    await session.signIn(hub.url, 'alice-token');
    const again = new StudentSession({ secrets, logger: silentLogger, clientVersion: 'test' });
    try {
      const account = await again.restore();
      assert.equal(account?.person.personId, 'alice');
      await again.signOut();
      assert.equal(secrets.map.has(CREDENTIALS_KEY), false);
      assert.equal(again.account, undefined);
    } finally {
      again.dispose();
    }
  });

  it('reports a revoked token when restoring, keeping the credentials for a retry', async function () {
    await session.signIn(hub.url, 'alice-token');
    hub.tokens.delete('alice-token');
    const again = new StudentSession({ secrets, logger: silentLogger, clientVersion: 'test' });
    try {
      await assert.rejects(() => again.restore(), (e: ConnectionError) => e.problem === 'unauthorized');
      assert.ok(secrets.map.has(CREDENTIALS_KEY));
    } finally {
      again.dispose();
    }
  });

  it('reconnects by itself after the connection drops', async function () {
    await session.signIn(hub.url, 'alice-token');
    await session.connection!.ready();
    const before = hub.endpoints.length;
    const offline = nextState(session, 'offline');
    const online = nextState(session, 'online');
    hub.dropAll();
    const s = await offline;
    assert.equal(s.kind === 'offline' && s.error.problem, 'unreachable');
    await online;
    assert.equal(hub.endpoints.length, before + 1);
  });

  it('stops retrying and says so when the token is revoked while offline', async function () {
    await session.signIn(hub.url, 'alice-token');
    await session.connection!.ready();
    hub.tokens.delete('alice-token');
    const refused = new Promise<ConnectionState>((resolve) => {
      session.connection!.onDidChangeState((s) => {
        if (s.kind === 'offline' && s.error.problem === 'unauthorized') resolve(s);
      });
    });
    hub.dropAll();
    const s = await refused;
    assert.equal(s.kind === 'offline' && s.retryInMs, undefined);
    await assert.rejects(() => session.connection!.ready(), (e: ConnectionError) => e.problem === 'unauthorized');
  });

  it('follows the hub clock', async function () {
    session.observeServerTime(new Date(Date.now() + 3_600_000).toISOString());
    assert.ok(Math.abs(session.serverNow() - Date.now() - 3_600_000) < 5_000);
  });
});
