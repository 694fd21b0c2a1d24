// Submitting offline waits for the course server, and the wait can be cancelled.

import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/emitter';
import { offlineSubmitNotice, waitUntilOnline } from '../../../src/submissions/offline-submit';

function connection(kind: string): { state: { kind: string }; onDidChangeState: Emitter<{ kind: string }>['event']; set(kind: string): void } {
  const states = new Emitter<{ kind: string }>();
  const c = {
    state: { kind },
    onDidChangeState: states.event,
    set(k: string) {
      c.state = { kind: k };
      states.fire(c.state);
    },
  };
  return c;
}

describe('submitting while offline', function () {
  it('tells the student it will be submitted when the server is back, and why not now', function () {
    const n = offlineSubmitNotice('Sum and mean (C)', 'The course server at http://x does not answer (ECONNREFUSED).');
    assert.equal(n.message, 'You are offline: “Sum and mean (C)” will be submitted when the course server is back.');
    assert.match(n.detail, /^The course server at http:\/\/x does not answer/);
    assert.match(n.detail, /cancel/);
  });

  it('goes on at once when online', async function () {
    assert.equal(await waitUntilOnline(connection('online'), new AbortController().signal), true);
  });

  it('waits through reconnect attempts until the server is back', async function () {
    const c = connection('offline');
    const waiting = waitUntilOnline(c, new AbortController().signal);
    c.set('connecting');
    c.set('offline');
    c.set('online');
    assert.equal(await waiting, true);
  });

  it('stops waiting when cancelled, or when the connection closes (sign-out)', async function () {
    const c = connection('offline');
    const cancel = new AbortController();
    const waiting = waitUntilOnline(c, cancel.signal);
    cancel.abort();
    assert.equal(await waiting, false);
    const closing = waitUntilOnline(c, new AbortController().signal);
    c.set('closed');
    assert.equal(await closing, false);
    const already = new AbortController();
    already.abort();
    assert.equal(await waitUntilOnline(connection('offline'), already.signal), false);
  });
});
