// An invite's words for the staff: its expiry as every other Classpod date
// ("Tue, 8 Dec 2026, 23:28 (UTC)"), never the raw instant the hub sends.

import * as assert from 'node:assert/strict';
import type { InviteSummary } from '@classpod/protocol';
import { inviteCreatedText, inviteRow } from '../../../src/professor/invite-text';

const invite = (more: Partial<InviteSummary> = {}): InviteSummary => ({
  id: 'inv_1',
  courseId: 'cs303',
  role: 'student',
  expiresAt: '2026-12-08T23:28:19.480Z',
  uses: 0,
  createdBy: 'turing',
  createdAt: '2026-12-01T23:28:19.480Z',
  state: 'active',
  ...more,
});

describe('invite text', function () {
  it('shows the code, the expiry as a Classpod date and the limit', function () {
    const text = inviteCreatedText(invite({ maxUses: 30 }), 'FCXVZ-SW631-NK0HT', 'UTC');
    assert.equal(text, 'Invite to cs303: FCXVZ-SW631-NK0HT (valid until Tue, 8 Dec 2026, 23:28 (UTC), 30 students). It is shown only now.');
    assert.doesNotMatch(text, /T23:28:19/);
  });

  it('leaves the limit out when there is none, and reads the expiry in the given time zone', function () {
    assert.equal(inviteCreatedText(invite(), 'ABCDE-FGHJK-MNPQR', 'Europe/Paris'), 'Invite to cs303: ABCDE-FGHJK-MNPQR (valid until Wed, 9 Dec 2026, 00:28 (Europe/Paris)). It is shown only now.');
  });

  it('lists a live invite by its expiry and uses', function () {
    assert.deepEqual(inviteRow(invite({ maxUses: 30, uses: 2 }), 'UTC'), { label: 'until Tue, 8 Dec 2026, 23:28 (UTC)', description: '2 of 30 used, by turing' });
    assert.deepEqual(inviteRow(invite({ uses: 5 }), 'UTC'), { label: 'until Tue, 8 Dec 2026, 23:28 (UTC)', description: '5 used, by turing' });
  });
});
