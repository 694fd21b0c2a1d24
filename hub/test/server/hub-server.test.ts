// The hub's plain HTTP side: health, readiness, Prometheus metrics, and the
// CSV grade export behind a bearer token; WebSocket paths that do not exist.

import assert from 'node:assert/strict';
import { ListCoursePeopleRequest, PingRequest, SubmitRequest, WhoAmIRequest } from '@classpod/protocol';
import { startTestHub, type TestHub } from '../support/test-hub';
import { HttpRefusal, TestClient } from '../support/test-client';

describe('hub HTTP endpoints', function () {
  this.timeout(60_000);
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(async () => t?.close());

  it('answers /healthz, /readyz and /metrics', async () => {
    assert.equal((await fetch(`${t.hub.url}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${t.hub.url}/readyz`)).json(), { status: 'ready' });
    const alice = await t.connect('alice');
    await alice.request(WhoAmIRequest.type, {});
    await assert.rejects(alice.request(ListCoursePeopleRequest.type, { courseId: 'cs101' }));
    const metrics = await (await fetch(`${t.hub.url}/metrics`)).text();
    assert.match(metrics, /^classpod_hub_api_requests_total\{method="people\/whoami",outcome="ok"\} 1$/m);
    assert.match(metrics, /^classpod_hub_api_requests_total\{method="courses\/people",outcome="Forbidden"\} 1$/m);
    assert.match(metrics, /^classpod_hub_api_request_seconds_count\{method="people\/whoami"\} 1$/m);
    assert.match(metrics, /^classpod_hub_api_connections [1-9]/m);
    assert.match(metrics, /# TYPE classpod_hub_gateway_connections gauge/);
    for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) assert.match(metrics, new RegExp(`^${name} [0-9.e+-]+$`, 'm'), `${name} is served`);
  });

  it('answers session/ping with the hub clock', async () => {
    const c = await t.connect('bob');
    const r = await c.request(PingRequest.type, { payload: 'hi' });
    assert.equal(r.payload, 'hi');
    assert.ok(!Number.isNaN(Date.parse(r.serverTime)));
  });

  it('exports grades as CSV to the course staff only', async () => {
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const alice = await t.connect('alice');
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    const get = (token?: string): Promise<Response> =>
      fetch(`${t.hub.url}/v1/courses/cs101/grades.csv`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const ok = await get(t.tokens.prof);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /text\/csv/);
    const lines = (await ok.text()).trim().split('\r\n');
    assert.equal(lines[0], 'student_id,name,email,assignment_id,submitted_at,late,penalty_percent,status,score,max_score,overridden,override_comment,submissions,rubric_points,late_days_used,late_days_remaining');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',').slice(0, 4).join(',')),
      ['alice', 'bob', 'carol'].flatMap((s) => ['c-sum', 'cpp-wordfreq', 'py-primes'].map((a) => `${s},${s[0]!.toUpperCase()}${s.slice(1)},,${a}`)),
    );
    assert.match(lines[1]!, /^alice,Alice,,c-sum,\d{4}-[^,]+,false,0,\w+,/, "alice's submission counts for c-sum");
    assert.equal((await get()).status, 401);
    assert.equal((await get('cp_' + 'A'.repeat(43))).status, 401);
    assert.equal((await get(t.tokens.alice)).status, 403);
    assert.equal((await get(t.tokens.olga)).status, 403);
  });

  it('refuses WebSocket paths that do not exist, and tokens that were revoked', async () => {
    await assert.rejects(TestClient.connect(t.hub.url, t.tokens.alice, '/v1/nothing'), (e: unknown) => e instanceof HttpRefusal && e.status === 404);
    const { token, record } = await t.hub.tokens.issue({ personId: 'bob', scopes: ['hub'] });
    (await TestClient.connect(t.hub.url, token)).close();
    await t.hub.store.tokens.revoke(record.id);
    await assert.rejects(TestClient.connect(t.hub.url, token), (e: unknown) => e instanceof HttpRefusal && e.status === 401);
    const expired = await t.hub.tokens.issue({ personId: 'bob', scopes: ['hub'], expiresAt: new Date(Date.now() - 1000) });
    await assert.rejects(TestClient.connect(t.hub.url, expired.token), (e: unknown) => e instanceof HttpRefusal && e.status === 401);
    // A valid token of the wrong scope is forbidden, not unknown.
    await assert.rejects(TestClient.connect(t.hub.url, t.tokens.grader, '/v1/connect'), (e: unknown) => e instanceof HttpRefusal && e.status === 403);
    await assert.rejects(TestClient.connect(t.hub.url, t.tokens.alice, '/v1/grader'), (e: unknown) => e instanceof HttpRefusal && e.status === 403);
  });
});
