// What clients read of a failure: no host paths, no loopback addresses, and
// close reasons that fit a close frame.

import assert from 'node:assert/strict';
import { closeReason, MAX_CLOSE_REASON_BYTES, quoteForMessage, withoutHostPaths } from '../../src/server/client-text';

describe('texts for clients', () => {
  it('keeps only the last name of an absolute path', () => {
    assert.equal(
      withoutHostPaths("EEXIST: file already exists, mkdir '/tmp/classpod-x/workspaces/cs101/bob/.classpod'"),
      "EEXIST: file already exists, mkdir '…/.classpod'",
    );
    assert.equal(withoutHostPaths('ELOOP: too many symbolic links, open /srv/data/a/b'), 'ELOOP: too many symbolic links, open …/b');
    assert.equal(withoutHostPaths('at f (/usr/lib/x.js:1:2)'), 'at f (…/x.js:1:2)');
  });

  it('leaves relative paths and plain words alone', () => {
    for (const text of ['path `a/b/c.txt` leaves the workspace', 'starter/ must not contain .classpod/', 'no course cs101', 'score 5/10']) {
      assert.equal(withoutHostPaths(text), text);
    }
  });

  it('hides addresses on the loopback', () => {
    assert.equal(withoutHostPaths('http://127.0.0.1:41234/readyz not ready after 30000 ms'), '<internal address> not ready after 30000 ms');
    assert.equal(withoutHostPaths('agent at ws://[::1]:7070/v1/connect refused'), 'agent at <internal address> refused');
  });

  it('cuts close reasons to whole characters within 123 bytes', () => {
    for (const text of ['é'.repeat(200), 'a'.repeat(500), '😀'.repeat(80)]) {
      const reason = closeReason(text);
      assert.ok(Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES, reason);
      assert.ok(reason.endsWith('…'));
      assert.ok(!reason.includes('\ufffd'));
    }
    assert.equal(closeReason('short'), 'short');
  });

  it('quotes what a client sent, bounded and with control characters escaped', () => {
    assert.equal(quoteForMessage('a\u001b[31mb'), '`a\\u001b[31mb`');
    assert.equal(quoteForMessage('x'.repeat(100), 5), '`xxxxx…`');
  });
});
