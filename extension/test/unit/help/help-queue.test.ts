// The help queue staff see, and the student's own hand, kept by the hub's
// events without asking again: a raised hand joins the queue in its place
// (the viewer's section first, then oldest first), a taken one shows its
// helper, a closed one leaves; places are counted again for those who wait.

import * as assert from 'node:assert/strict';
import { ListHelpQueueRequest, type HelpRequest } from '@classpod/protocol';
import { HelpQueues } from '../../../src/professor/help-queue';
import { OwnHands } from '../../../src/help/own-hands';
import type { HubRequester } from '../../../src/professor/hub-requester';

const at = (min: number): string => new Date(Date.UTC(2026, 11, 1, 10, min)).toISOString();
const hand = (id: string, studentId: string, min: number, extra: Partial<HelpRequest> = {}): HelpRequest => ({
  id,
  courseId: 'cs101',
  assignmentId: 'c-sum',
  studentId,
  message: 'help',
  state: 'waiting',
  raisedAt: at(min),
  ...extra,
});

function requester(requests: HelpRequest[]): { request: HubRequester; calls: string[] } {
  const calls: string[] = [];
  const request = (async (type: { method: string }, params: { courseId: string }) => {
    calls.push(`${type.method} ${params.courseId}`);
    assert.equal(type.method, ListHelpQueueRequest.method);
    return { requests: requests.filter((r) => r.courseId === params.courseId), waiting: requests.length };
  }) as unknown as HubRequester;
  return { request, calls };
}

describe('help queue', () => {
  it('loads once, then follows raised, taken and ended hands in order, renumbering those who wait', async () => {
    const { request, calls } = requester([hand('h1', 'alice', 1, { position: 1 }), hand('h2', 'bob', 2, { position: 2, section: 'lab-b' })]);
    const q = new HelpQueues(request, () => 'lab-b');
    const changed: string[] = [];
    q.onDidChange((c) => changed.push(c));
    assert.equal(q.waiting('cs101'), undefined, 'not loaded until shown');
    await q.ensure('cs101');
    await q.ensure('cs101');
    assert.deepEqual(calls, ['help/queue cs101'], 'asked once');
    assert.equal(q.waiting('cs101'), 2);

    q.apply({ cause: 'raised', request: hand('h3', 'carol', 3, { position: 3 }) });
    assert.deepEqual(q.list('cs101')!.map((r) => [r.studentId, r.position]), [['bob', 2], ['alice', 1], ['carol', 3]], "the viewer's section (lab-b) first");
    q.apply({ cause: 'raised', request: hand('h4', 'dan', 4, { section: 'lab-b', position: 4 }) });
    // The viewer teaches lab-b: its hands first, then oldest first.
    assert.deepEqual(q.list('cs101')!.map((r) => r.studentId), ['bob', 'dan', 'alice', 'carol']);

    q.apply({ cause: 'taken', request: hand('h1', 'alice', 1, { state: 'helping', helperId: 'tara', helperName: 'Tara' }) });
    assert.equal(q.waiting('cs101'), 3);
    assert.equal(q.find('h1')!.helperName, 'Tara');
    assert.deepEqual(q.list('cs101')!.filter((r) => r.state === 'waiting').map((r) => [r.studentId, r.position]), [['bob', 1], ['dan', 3], ['carol', 2]]);

    q.apply({ cause: 'ended', request: hand('h1', 'alice', 1, { state: 'ended' }) });
    q.apply({ cause: 'lowered', request: hand('h2', 'bob', 2, { state: 'lowered', section: 'lab-b' }) });
    assert.deepEqual(q.list('cs101')!.map((r) => [r.studentId, r.position]), [['dan', 2], ['carol', 1]]);
    assert.ok(changed.length >= 5);
    // A course whose queue was never shown is read when it is.
    q.apply({ cause: 'raised', request: { ...hand('h9', 'zed', 9), courseId: 'cs202' } });
    assert.equal(q.list('cs202'), undefined);
    q.dispose();
  });

  it('puts the hands of every section a teaching assistant teaches first', async () => {
    const { request } = requester([hand('h1', 'alice', 1, { position: 1 })]);
    const q = new HelpQueues(request, () => ['lab-a', 'lab-c']);
    await q.ensure('cs101');
    q.apply({ cause: 'raised', request: hand('h2', 'bob', 2, { section: 'lab-b', position: 2 }) });
    q.apply({ cause: 'raised', request: hand('h3', 'carol', 3, { section: 'lab-c', position: 3 }) });
    q.apply({ cause: 'raised', request: hand('h4', 'dan', 4, { section: 'lab-a', position: 4 }) });
    assert.deepEqual(q.list('cs101')!.map((r) => r.studentId), ['carol', 'dan', 'alice', 'bob']);
    q.dispose();
  });

  it("keeps the student's own hand and says when the terminal is viewed", async () => {
    const { request } = requester([hand('h1', 'alice', 1, { position: 2 }), hand('h0', 'bob', 0, { position: 1 })]);
    const own = new OwnHands('alice');
    await own.load(request, ['cs101']);
    assert.equal(own.current('cs101')!.position, 2);
    const told: string[] = [];
    own.onTerminalViewed((r) => told.push(r.helperName ?? '?'));
    own.apply({ cause: 'raised', request: hand('h7', 'bob', 7) });
    assert.equal(own.current()!.id, 'h1', "another student's hand is not one's own");
    own.apply({ cause: 'moved', request: hand('h1', 'alice', 1, { position: 1 }) });
    assert.equal(own.current('cs101')!.position, 1, 'moved up when a hand ahead left the line');
    own.apply({ cause: 'taken', request: hand('h1', 'alice', 1, { state: 'helping', helperName: 'Tara' }) });
    assert.deepEqual(told, []);
    own.apply({ cause: 'terminal', request: hand('h1', 'alice', 1, { state: 'helping', helperName: 'Tara', terminalSince: at(5) }) });
    assert.deepEqual(told, ['Tara']);
    own.apply({ cause: 'ended', request: hand('h1', 'alice', 1, { state: 'ended' }) });
    assert.equal(own.current(), undefined);
    own.dispose();
  });
});
