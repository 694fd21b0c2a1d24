// A student's own raised hands, one per course at most: read from the hub
// when the connection opens, kept true by `events/helpChanged`, and told
// when a helper starts viewing the terminal (so the editor can say so on
// screen for as long as the session lasts).

import { ListHelpQueueRequest, type HelpRequest } from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { HubRequester } from '../professor/hub-requester';
import type { HelpChanged } from '../professor/help-queue';

export class OwnHands implements Disposable {
  private readonly byCourse = new Map<string, HelpRequest>();
  private readonly changes = new Emitter<void>();
  private readonly viewing = new Emitter<HelpRequest>();
  /** Fires when a hand is raised, moves in the queue, is taken or closes. */
  readonly onDidChange: Event<void> = this.changes.event;
  /** Fires when a helper starts viewing the student's terminal. */
  readonly onTerminalViewed: Event<HelpRequest> = this.viewing.event;

  constructor(private readonly personId: string) {}

  /** The open hand in a course, or the first open one. */
  current(courseId?: string): HelpRequest | undefined {
    if (courseId !== undefined) return this.byCourse.get(courseId);
    return [...this.byCourse.values()][0];
  }

  all(): HelpRequest[] {
    return [...this.byCourse.values()];
  }

  /** Read the open hands of these courses again (a new connection: events may have been missed). */
  async load(request: HubRequester, courseIds: string[]): Promise<void> {
    for (const courseId of courseIds) {
      const { requests } = await request(ListHelpQueueRequest.type, { courseId });
      const mine = requests.find((r) => r.studentId === this.personId);
      if (mine) this.byCourse.set(courseId, mine);
      else this.byCourse.delete(courseId);
    }
    this.changes.fire();
  }

  /** A request answered by the hub (raise, lower, end). */
  set(r: HelpRequest): void {
    this.apply({ request: r, cause: r.state === 'waiting' ? 'raised' : r.state === 'lowered' ? 'lowered' : 'ended' });
  }

  /** Apply a pushed change to one's own hand. */
  apply(e: HelpChanged): void {
    const r = e.request;
    // The hub tells a student of their own hand only.
    if (r.studentId !== this.personId) return;
    const open = r.state === 'waiting' || r.state === 'helping';
    if (open) this.byCourse.set(r.courseId, r);
    else if (this.byCourse.get(r.courseId)?.id === r.id) this.byCourse.delete(r.courseId);
    if (e.cause === 'terminal' && open) this.viewing.fire(r);
    this.changes.fire();
  }

  dispose(): void {
    this.changes.dispose();
    this.viewing.dispose();
  }
}
