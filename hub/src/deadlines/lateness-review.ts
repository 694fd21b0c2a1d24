// Keeping the lateness stored on submissions true to the rule (late-days.ts)
// when what it was judged on changes: a new submission, an extension, late
// days granted, the course's grant, an assignment's dates or penalty, a
// group's members. The submissions that changed are written in one
// transaction and announced (`events/scoreChanged`, cause `lateness`) to their
// student and the staff.

import type { EventHub } from '../events/event-hub';
import { publishScoreChanged } from '../events/score-events';
import { groupOwnerId } from '../groups/work-owner';
import type { Group } from '../store/group-repository';
import type { Submission } from '../store/records';
import type { Repositories, Store } from '../store/store';
import { lateDayAccounts } from './late-day-accounts';
import { standingLateness } from './late-days';

/**
 * The work owners whose late work may move when one owner's does: a group's
 * late work spends from its members, whose own work and other groups then
 * spend from what is left, and so on (students and groups linked by membership).
 */
export function linkedOwners(start: string, groups: readonly Group[]): Set<string> {
  const links = new Map<string, string[]>();
  const link = (x: string, y: string): void => {
    links.set(x, [...(links.get(x) ?? []), y]);
    links.set(y, [...(links.get(y) ?? []), x]);
  };
  for (const g of groups) for (const m of g.members) link(groupOwnerId(g.assignmentId, g.id), m);
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const next of links.get(todo.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

/** Judge again every submission of a course (or of one student or work owner, with those linked to it by groups) and store what changed; resolves with the changed ones. */
export async function reviewLateness(store: Repositories, courseId: string, options: { studentId?: string } = {}): Promise<Submission[]> {
  const [accounts, assignments, submissions, extensions, groups] = await Promise.all([
    lateDayAccounts(store, courseId),
    store.assignments.list(courseId),
    store.submissions.list({ courseId }),
    store.extensions.list(courseId),
    store.groups.list(courseId),
  ]);
  const owners = options.studentId ? linkedOwners(options.studentId, groups) : undefined;
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
