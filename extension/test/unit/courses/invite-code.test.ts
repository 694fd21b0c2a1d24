// Reading an invite code from what a person pastes: the code, or the link.

import assert from 'node:assert/strict';
import { inviteCodeFrom } from '../../../src/courses/invite-code';

describe('invite codes', () => {
  it('takes a code as typed, or the code of an invite link', () => {
    assert.equal(inviteCodeFrom(' 7KQ2M-X9D4T-B3HZR '), '7KQ2M-X9D4T-B3HZR');
    assert.equal(inviteCodeFrom('7kq2mx9d4tb3hzr'), '7kq2mx9d4tb3hzr');
    assert.equal(inviteCodeFrom('https://hub.uni.example/v1/join/7KQ2M-X9D4T-B3HZR'), '7KQ2M-X9D4T-B3HZR');
    assert.equal(inviteCodeFrom('http://127.0.0.1:8080/v1/join/7KQ2M-X9D4T-B3HZR/?from=mail'), '7KQ2M-X9D4T-B3HZR');
  });

  it('finds none in anything else', () => {
    for (const text of ['', 'abc', 'https://hub.uni.example/v1/join/', '../../etc/passwd', 'a b c d', 'x'.repeat(65)]) assert.equal(inviteCodeFrom(text), undefined, text);
  });
});
