import assert from 'node:assert/strict';
import { bearerToken, TokenCheck } from '../src/auth';

describe('bearer token check', () => {
  it('reads the token of an Authorization: Bearer header and nothing else', () => {
    assert.equal(bearerToken({ authorization: 'Bearer abc.def-123' }), 'abc.def-123');
    assert.equal(bearerToken({ authorization: 'bearer abc' }), 'abc');
    assert.equal(bearerToken({ authorization: 'Basic abc' }), undefined);
    assert.equal(bearerToken({ authorization: 'Bearer' }), undefined);
    assert.equal(bearerToken({ authorization: 'Bearer a b' }), undefined);
    assert.equal(bearerToken({}), undefined);
  });

  it('accepts only the exact token, whatever the length of the one presented', () => {
    const check = new TokenCheck('the-agent-token-0123456789');
    assert.equal(check.accepts('the-agent-token-0123456789'), true);
    for (const wrong of [undefined, '', 'the-agent-token-012345678', 'the-agent-token-01234567890', 'The-agent-token-0123456789', 'x'.repeat(10_000)]) {
      assert.equal(check.accepts(wrong), false, String(wrong).slice(0, 40));
    }
  });
});
