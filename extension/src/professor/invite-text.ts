// How an invite reads to the staff who made it: the notification that shows
// its code (once), and its row in Revoke an Invite…'s pick. Its expiry reads
// like every other date in Classpod. Plain logic, so it is unit-tested.

import type { InviteSummary } from '@classpod/protocol';
import { formatAbsolute } from '../deadlines/time-format';

/** "Invite to cs101: 7KQ2M-X9D4T-B3HZR (valid until Tue, 8 Dec 2026, 23:28 (UTC), 30 students). It is shown only now." */
export function inviteCreatedText(invite: InviteSummary, code: string, timeZone?: string): string {
  const limit = invite.maxUses !== undefined ? `, ${invite.maxUses} students` : '';
  return `Invite to ${invite.courseId}: ${code} (valid until ${formatAbsolute(new Date(invite.expiresAt), timeZone)}${limit}). It is shown only now.`;
}

/** A live invite as Revoke an Invite… lists it. */
export function inviteRow(invite: InviteSummary, timeZone?: string): { label: string; description: string } {
  return {
    label: `until ${formatAbsolute(new Date(invite.expiresAt), timeZone)}`,
    description: `${invite.uses}${invite.maxUses !== undefined ? ` of ${invite.maxUses}` : ''} used, by ${invite.createdBy}`,
  };
}
