// Keeping the lateness stored on submissions true to the rule (late-days.ts)
// when what it was judged on changes: a new submission, an extension, late
// days granted, the course's grant, an assignment's dates or penalty, a
// group's members. The submissions that changed are written in one
// transaction and announced (`events/scoreChanged`, cause `lateness`) to their
// student and the staff.

import type { EventHub } from '../events/event-hub';
import { publishScoreChanged } from '../events/score-events';
import type { Submission } from '../store/records';
import type { Repositories, Store } from '../store/store';
import { lateDayAccounts, linkedOwners } from './late-day-accounts';
import { standingLateness } from './late-days';

/** Judge again every submission of a course (or of one student or work owner, with those linked to it by groups) and store what changed; resolves with the changed ones. */
export async function reviewLateness(store: Repositories, courseId: string, options: { studentId?: string } = {}): Promise<Submission[]> {
  const owners = options.studentId ? linkedOwners(options.studentId, await store.groups.list(courseId)) : undefined;
  const ownerIds = owners ? [...owners] : undefined;
  const [accounts, assignments, submissions, extensions] = await Promise.all([
    // The accounts of the linked owners depend on their submissions alone (late-day-accounts.ts).
    lateDayAccounts(store, courseId, ownerIds ? { owners: ownerIds } : {}),
    store.assignments.list(courseId),
    store.submissions.list({ courseId, ...(ownerIds ? { studentIds: ownerIds } : {}) }),
    store.extensions.list(courseId),
  ]);
  const byId = new Map(assignments.map((a) => [a.id, a]));
  const extensionOf = new Map(extensions.map((e) => [`${e.assignmentId}/${e.studentId}`, e]));
  const changed: Submission[] = [];
  for (const s of submissions) {
    if (owners && !owners.has(s.studentId)) continue;
    const a = byId.get(s.assignmentId);
    if (!a) continue;
    const entry = accounts.get(s.studentId)?.entries.get(a.id);
    const now = standingLateness(a, extensionOf.get(`${a.id}/${s.studentId}`), s, entry);
    if (now.late === s.late && now.penaltyPercent === s.penaltyPercent && now.lateDaysUsed === (s.lateDaysUsed ?? 0)) continue;
    await store.submissions.setLateness(s.id, now);
    changed.push({ ...s, ...now });
  }
  return changed;
}

/** `reviewLateness` in one transaction, then tell each changed submission's student and the staff its score now. */
export async function reviewAndAnnounceLateness(store: Store, events: EventHub, courseId: string, options: { studentId?: string } = {}): Promise<Submission[]> {
  const changed = await store.transaction((tx) => reviewLateness(tx, courseId, options));
  for (const s of changed) await publishScoreChanged(events, store, s, 'lateness');
  return changed;
}
