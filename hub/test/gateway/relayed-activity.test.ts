// Which relayed frames count as a person working: pings, reads, credit and
// watcher notices do not; edits, terminal input and output, test runs and a
// professor's view do.

import assert from 'node:assert/strict';
import { encodeBinaryFrame, FrameKind } from '@classpod/protocol';
import { RelayedActivity } from '../../src/gateway/relayed-activity';
import { ActivityTracker } from '../../src/workspaces/activity-tracker';

const key = { courseId: 'cs101', studentId: 'alice' };
const request = (id: number, method: string, params: unknown = {}): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
const notification = (method: string, params: unknown = {}): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method, params }));
const answer = (id: number): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, result: {} }));
const frame = (kind: number): Buffer => Buffer.from(encodeBinaryFrame({ kind: kind as FrameKind, streamId: 2, seq: 0, payload: new Uint8Array([65]) }));

describe('relayed activity', () => {
  let clock = 0;
  let tracker: ActivityTracker;
  beforeEach(() => {
    clock = 0;
    tracker = new ActivityTracker({ now: () => clock });
    tracker.record(key);
    clock = 5_000;
  });
  const lastActivityAgo = (): number | undefined => tracker.idleFor(key);

  it('does not count what an open editor does on its own', () => {
    const a = new RelayedActivity(tracker, key, false);
    a.fromClient(request(1, 'session/hello'), false);
    a.fromClient(request(2, 'session/ping'), false);
    a.fromClient(request(3, 'files/stat', { path: '.' }), false);
    a.fromClient(request(4, 'sync/scan', { replicaId: 'r' }), false);
    a.fromClient(frame(FrameKind.Credit), true);
    a.fromAgent(notification('sync/changed', { replicaId: 'r' }), false);
    a.fromAgent(answer(3), false);
    assert.equal(lastActivityAgo(), 5_000);
  });

  it('counts edits, terminal input and output', () => {
    for (const [from, data, binary] of [
      ['client', request(5, 'sync/apply', { replicaId: 'r', changes: [{ path: 'a' }] }), false],
      ['client', request(6, 'files/write', { path: 'a', contentBase64: '' }), false],
      ['client', request(7, 'terminals/input', { terminalId: 't', data: 'ls\r' }), false],
      ['client', frame(FrameKind.Data), true],
      ['agent', frame(FrameKind.Data), true],
      ['agent', notification('tests/progress', { done: 1, total: 2 }), false],
    ] as const) {
      const a = new RelayedActivity(tracker, key, false);
      clock += 1_000;
      if (from === 'client') a.fromClient(data, binary);
      else a.fromAgent(data, binary);
      assert.equal(lastActivityAgo(), 0, `${from} ${binary ? 'binary' : data.toString().slice(0, 60)}`);
    }
  });

  it('holds the workspace busy from a test run to its answer, or to the end of the connection', () => {
    const a = new RelayedActivity(tracker, key, false);
    a.fromClient(request(9, 'tests/runPublic', { path: 'py-primes' }), false);
    assert.equal(tracker.runsInProgress(key), 1);
    a.fromAgent(answer(8), false);
    assert.equal(tracker.runsInProgress(key), 1, 'another answer ends nothing');
    a.fromAgent(answer(9), false);
    assert.equal(tracker.runsInProgress(key), 0);
    a.fromClient(request(10, 'tests/runPublic', { path: 'py-primes' }), false);
    a.close();
    assert.equal(tracker.runsInProgress(key), 0);
  });

  it("counts a professor's view, but not their pings", () => {
    const a = new RelayedActivity(tracker, key, true);
    a.fromClient(request(1, 'session/ping'), false);
    assert.equal(lastActivityAgo(), 5_000);
    a.fromClient(request(2, 'files/read', { path: 'main.c' }), false);
    assert.equal(lastActivityAgo(), 0);
  });
});
