// The open regrade requests of each course a person teaches, as the Cluster
// view's "Regrade Requests (N)" rows show them: loaded once per course when
// first asked for (the hub orders them: the viewer's section first, then
// oldest first), kept true by the hub's `events/regradeRequestChanged` (a new
// request joins the queue, an answered one leaves it) and by the answers the
// person sends. Nothing polls.

import {
  AnswerRegradeRequestRequest,
  ListRegradeRequestsRequest,
  type ParamsOf,
  type RegradeRequestInfo,
} from '@classpod/protocol';
import { formatAbsolute } from '../deadlines/time-format';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { HubRequester } from './hub-requester';

export type RegradeAnswer = Omit<ParamsOf<typeof AnswerRegradeRequestRequest.type>, 'requestId'>;

export class RegradeQueue implements Disposable {
  private readonly byCourse = new Map<string, RegradeRequestInfo[]>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly changes = new Emitter<string>();
  /** Fires with the course whose queue changed. */
  readonly onDidChange: Event<string> = this.changes.event;

  constructor(
    private readonly request: HubRequester,
    /** The viewer's sections in a course: their students' requests come first. */
    private readonly mySections: (courseId: string) => readonly string[] = () => [],
  ) {}

  /** The open requests of a course, in queue order (undefined until loaded). */
  list(courseId: string): readonly RegradeRequestInfo[] | undefined {
    return this.byCourse.get(courseId);
  }

  /** An open request by id. */
  get(requestId: string): RegradeRequestInfo | undefined {
    for (const list of this.byCourse.values()) {
      const found = list.find((r) => r.id === requestId);
      if (found) return found;
    }
    return undefined;
  }

  /** Load a course's queue the first time it is asked for. */
  ensure(courseId: string): Promise<void> {
    if (this.byCourse.has(courseId)) return Promise.resolve();
    let p = this.loading.get(courseId);
    if (!p) {
      p = this.request(ListRegradeRequestsRequest.type, { courseId })
        .then(({ requests }) => {
          const open = requests.filter((r) => r.state === 'open');
          this.byCourse.set(courseId, open);
          // A row drawn before the queue arrived reads "Regrade Requests": redraw it when there is a count to show.
          if (open.length > 0) this.changes.fire(courseId);
        })
        .finally(() => this.loading.delete(courseId));
      this.loading.set(courseId, p);
    }
    return p;
  }

  /** Apply a request as the hub now has it (an event or an answer): open ones are queued, answered ones leave. */
  apply(r: RegradeRequestInfo): void {
    const list = this.byCourse.get(r.courseId);
    if (!list) return;
    const at = list.findIndex((x) => x.id === r.id);
    if (r.state !== 'open') {
      if (at < 0) return;
      list.splice(at, 1);
    } else if (at >= 0) {
      list[at] = r;
    } else {
      list.push(r);
      const mine = this.mySections(r.courseId);
      const rank = (x: RegradeRequestInfo): number => (x.section !== undefined && mine.includes(x.section) ? 0 : 1);
      list.sort((a, b) => rank(a) - rank(b) || a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    }
    this.changes.fire(r.courseId);
  }

  /** Answer an open request; it leaves the queue. Resolves with the request as answered. */
  async answer(requestId: string, answer: RegradeAnswer): Promise<RegradeRequestInfo> {
    const { request } = await this.request(AnswerRegradeRequestRequest.type, { requestId, ...answer });
    this.apply(request);
    return request;
  }

  /** Forget what was loaded (a reconnect may have missed events); queues reload when asked for. */
  reload(): void {
    const courses = [...this.byCourse.keys()];
    this.byCourse.clear();
    for (const c of courses) this.changes.fire(c);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

/** "2 h", "3 d": how long a request has waited, at `now`. */
export function requestAge(at: string, now: Date): string {
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** What a request's row reads: who, which assignment, how old; the message in the tooltip. */
export function presentRegradeRequest(r: RegradeRequestInfo, assignmentTitle: string, now: Date): { label: string; description: string; tooltip: string[] } {
  const who = r.studentName ?? r.studentId;
  const about = [r.testName ? `test ${r.testName}` : undefined, r.path ? `${r.path}${r.line ? `:${r.line}` : ''}` : undefined].filter(Boolean).join(', ');
  return {
    label: who,
    description: `${assignmentTitle} · ${requestAge(r.at, now)}${r.section ? ` · section ${r.section}` : ''}`,
    tooltip: [`${who} asks for a regrade of ${assignmentTitle}${about ? ` (${about})` : ''}:`, r.message, `Asked ${formatAbsolute(new Date(r.at))}`],
  };
}
