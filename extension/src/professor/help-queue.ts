// The help queue of each course a person teaches: loaded from the hub the
// first time its row is expanded, then kept true by the hub's
// `events/helpChanged` (a raised hand joins it, a closed one leaves it), in
// the order the hub gives (the viewer's section first, then oldest first).

import { ListHelpQueueRequest, type HelpRequest, type ParamsOf, type HelpChangedNotification } from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { HubRequester } from './hub-requester';

export type HelpChanged = ParamsOf<typeof HelpChangedNotification.type>;

export class HelpQueues implements Disposable {
  private readonly queues = new Map<string, HelpRequest[]>();
  private readonly changes = new Emitter<string>();
  /** Fires with the course whose queue changed. */
  readonly onDidChange: Event<string> = this.changes.event;

  constructor(
    private readonly request: HubRequester,
    /** The viewer's section (or sections) in a course, if they have any. */
    private readonly sectionIn: (courseId: string) => string | readonly string[] | undefined = () => undefined,
  ) {}

  /** The queue, once loaded. */
  list(courseId: string): HelpRequest[] | undefined {
    return this.queues.get(courseId);
  }

  /** How many hands wait (not yet taken); undefined until loaded. */
  waiting(courseId: string): number | undefined {
    return this.queues.get(courseId)?.filter((r) => r.state === 'waiting').length;
  }

  find(requestId: string): HelpRequest | undefined {
    for (const q of this.queues.values()) {
      const r = q.find((x) => x.id === requestId);
      if (r) return r;
    }
    return undefined;
  }

  /** Load (or read again) a course's queue. */
  async load(courseId: string): Promise<HelpRequest[]> {
    const { requests } = await this.request(ListHelpQueueRequest.type, { courseId });
    this.queues.set(courseId, requests);
    this.changes.fire(courseId);
    return requests;
  }

  async ensure(courseId: string): Promise<HelpRequest[]> {
    return this.queues.get(courseId) ?? this.load(courseId);
  }

  /** Apply a pushed change; a queue not loaded yet is read when it is shown. */
  apply(e: HelpChanged): void {
    const q = this.queues.get(e.request.courseId);
    if (!q) return;
    const open = e.request.state === 'waiting' || e.request.state === 'helping';
    const rest = q.filter((r) => r.id !== e.request.id);
    const next = open ? [...rest, e.request] : rest;
    // A teaching assistant may teach several sections: the students of each come first.
    const given = this.sectionIn(e.request.courseId);
    const mine: readonly string[] = given === undefined ? [] : typeof given === 'string' ? [given] : given;
    const rank = (r: HelpRequest): number => (r.section !== undefined && mine.includes(r.section) ? 0 : 1);
    next.sort((a, b) => rank(a) - rank(b) || a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
    // Places in the queue move for everyone who waits: count them again, oldest first.
    const byAge = next.filter((r) => r.state === 'waiting').sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
    const renumbered = next.map((r): HelpRequest => {
      const i = byAge.indexOf(r);
      const copy: HelpRequest = { ...r };
      if (i >= 0) copy.position = i + 1;
      else delete copy.position;
      return copy;
    });
    this.queues.set(e.request.courseId, renumbered);
    this.changes.fire(e.request.courseId);
  }

  /** Forget every queue (a new connection: read them again when shown). */
  clear(): void {
    const courses = [...this.queues.keys()];
    this.queues.clear();
    for (const c of courses) this.changes.fire(c);
  }

  dispose(): void {
    this.changes.dispose();
  }
}
