// The Cluster view's "Regrade Requests (N)" rows against a course server
// stand-in on loopback: the queue loads once per course (its count shows
// before the row is expanded), a request the hub announces joins it without a
// Refresh, answering one removes its row and lowers the count, and a request
// answered by someone else leaves too.

import * as assert from 'node:assert/strict';
import { RegradeRequestChangedNotification, type RegradeRequestInfo } from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { ProfessorSession } from '../../../src/professor/professor-session';
import type { ClusterNode } from '../../../src/professor/cluster-nodes';
import type { ClusterModel } from '../../../src/professor/cluster-model';
import { presentNode } from '../../../src/professor/cluster-presentation';
import { presentRegradeRequest, requestAge } from '../../../src/professor/regrade-queue';
import { startClassHub, studentId, type ClassHub } from './class-hub';

const NOW = new Date('2026-11-24T12:00:00.000Z');

const request = (i: number, minutesAgo: number, extra: Partial<RegradeRequestInfo> = {}): RegradeRequestInfo => ({
  id: `rr_${i}`,
  courseId: 'cs101',
  assignmentId: 'hello-c',
  studentId: studentId(i),
  studentName: `Student ${studentId(i)}`,
  submissionId: `sub-${studentId(i)}-1`,
  message: `Please look at my work, says ${studentId(i)}`,
  at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  state: 'open',
  ...extra,
});

/** Poll until `check` holds (the model announces changes after a short coalescing delay). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('professor regrade request queue', function () {
  let hub: ClassHub;
  let session: ProfessorSession;
  let model: ClusterModel;

  beforeEach(async function () {
    hub = await startClassHub({ students: 20, submitted: () => ({ score: 5 }) });
    hub.regradeRequests.push(request(2, 120), request(4, 30, { testName: 'edge cases', path: 'main.c', line: 1 }));
    session = new ProfessorSession({ open: () => hub.open(), logger: silentLogger, model: { coalesceMs: 5 } });
    model = session.model;
  });
  afterEach(async function () {
    session.dispose();
    await hub.close();
  });

  const queueRow = async (): Promise<ClusterNode> => {
    const course = (await model.getChildren()).find((n) => n.kind === 'course')!;
    const row = (await model.getChildren(course)).find((n) => n.kind === 'regradeRequests');
    assert.ok(row, 'the course has a Regrade Requests row');
    return row;
  };
  const label = (n: ClusterNode): string => presentNode(model, n, NOW).label;

  it('counts the queue on its row before it is expanded, and lists it oldest first with one request', async function () {
    const row = await queueRow();
    await until(() => label(row) === 'Regrade Requests (2)', 'the count');
    assert.equal(presentNode(model, row, NOW).description, 'oldest 2 h');
    const rows = await model.getChildren(row);
    assert.deepEqual(rows.map(label), ['Student s002', 'Student s004']);
    const second = presentNode(model, rows[1]!, NOW);
    assert.equal(second.description, 'Hello, C · 30 min');
    assert.equal(second.contextValue, 'regradeRequest');
    assert.deepEqual(second.tooltip.slice(0, 2), ['Student s004 asks for a regrade of Hello, C (test edge cases, main.c:1):', 'Please look at my work, says s004']);
    assert.equal(hub.calls.get('regradeRequests/list'), 1, 'loaded once');
  });

  it('adds a request the hub announces, without a Refresh', async function () {
    const row = await queueRow();
    await until(() => label(row) === 'Regrade Requests (2)', 'the count');
    hub.push(RegradeRequestChangedNotification.type, { request: request(9, 1) });
    await until(() => label(row) === 'Regrade Requests (3)', 'the new count');
    assert.deepEqual((await model.getChildren(row)).map(label), ['Student s002', 'Student s004', 'Student s009']);
    assert.equal(hub.calls.get('regradeRequests/list'), 1, 'nothing was read again');
  });

  it("removes a row when it is answered, here or by someone else, and says so when the queue is empty", async function () {
    const row = await queueRow();
    await until(() => label(row) === 'Regrade Requests (2)', 'the count');
    const [first] = await model.getChildren(row);
    const done = await session.cache.regradeRequests.answer((first as Extract<ClusterNode, { kind: 'regradeRequest' }>).requestId, { message: 'Looked: it stands.', action: 'close' });
    assert.equal(done.state, 'answered');
    await until(() => label(row) === 'Regrade Requests (1)', 'the count after answering');
    assert.deepEqual((await model.getChildren(row)).map(label), ['Student s004']);
    // Tara answered the other one.
    hub.push(RegradeRequestChangedNotification.type, { request: { ...request(4, 30), state: 'answered', answer: { message: 'ok', outcome: 'closed', authorId: 'tara', at: NOW.toISOString() } } });
    await until(() => label(row) === 'Regrade Requests (0)', 'an empty queue');
    assert.deepEqual((await model.getChildren(row)).map(label), ['No open regrade request.']);
  });

  it("puts the viewer's section first when a new request arrives", function () {
    const list: RegradeRequestInfo[] = [];
    assert.equal(requestAge(new Date(NOW.getTime() - 3 * 86_400_000).toISOString(), NOW), '3 d');
    assert.equal(presentRegradeRequest(request(3, 0, { section: 'B' }), 'Hello, C', NOW).description, 'Hello, C · just now · section B');
    assert.equal(list.length, 0);
  });
});
