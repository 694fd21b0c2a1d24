// What is kept in secret storage: a personal token as before, a browser
// session with its expiry and renewal, and anything else forgotten.

import * as assert from 'node:assert/strict';
import { CREDENTIALS_KEY, CredentialStore, parseCredentials } from '../../../src/session/stored-credentials';
import { memorySecrets } from '../fake-hub';

describe('stored credentials', () => {
  it('reads a personal token stored by earlier versions', () => {
    assert.deepEqual(parseCredentials('{"server":"https://hub.uni.example/","token":"cp_x"}'), { server: 'https://hub.uni.example/', token: 'cp_x' });
  });

  it('reads a browser session with its renewal, and one without', () => {
    const full = { server: 'https://hub.uni.example/', token: 'cp_x', kind: 'browser', expiresAt: '2026-12-01T12:00:00.000Z', refreshToken: 'cpr_y', refreshExpiresAt: '2026-12-31T12:00:00.000Z' };
    assert.deepEqual(parseCredentials(JSON.stringify(full)), full);
    const bare = { server: full.server, token: full.token, kind: full.kind, expiresAt: full.expiresAt };
    assert.deepEqual(parseCredentials(JSON.stringify(bare)), bare);
  });

  for (const [what, raw] of [
    ['text that is not JSON', 'cp_x'],
    ['a record without a token', '{"server":"https://hub.uni.example/"}'],
    ['a browser session without an expiry', '{"server":"https://hub.uni.example/","token":"cp_x","kind":"browser"}'],
    ['an unknown kind', '{"server":"https://hub.uni.example/","token":"cp_x","kind":"magic"}'],
    ['null', 'null'],
  ] as const) {
    it(`forgets ${what}`, async () => {
      const secrets = memorySecrets();
      secrets.map.set(CREDENTIALS_KEY, raw);
      assert.equal(await new CredentialStore(secrets).read(), undefined);
      assert.equal(secrets.map.has(CREDENTIALS_KEY), false);
    });
  }
});
