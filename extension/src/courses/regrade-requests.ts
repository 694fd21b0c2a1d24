// A student's own regrade requests, as the Classpod view shows them on each
// assignment ("regrade requested", then the staff's answer): read per course
// from the hub, updated by `events/regradeRequestChanged` and by the requests
// the student makes, so the row changes without a Refresh.

import {
  CreateRegradeRequestRequest,
  ListRegradeRequestsRequest,
  type ParamsOf,
  type RegradeRequestInfo,
} from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { HubRequester } from '../professor/hub-requester';

export type NewRegradeRequest = ParamsOf<typeof CreateRegradeRequestRequest.type>;

export class StudentRegradeRequests implements Disposable {
  /** courseId → requests, newest first. */
  private readonly byCourse = new Map<string, RegradeRequestInfo[]>();
  private readonly changes = new Emitter<RegradeRequestInfo | undefined>();
  /** Fires with the request that changed (undefined: a course's list was read again). */
  readonly onDidChange: Event<RegradeRequestInfo | undefined> = this.changes.event;

  constructor(private readonly request: HubRequester) {}

  /** Read a course's requests again. */
  async load(courseId: string): Promise<void> {
    const { requests } = await this.request(ListRegradeRequestsRequest.type, { courseId });
    this.byCourse.set(courseId, requests);
    this.changes.fire(undefined);
  }

  /** The newest request about an assignment, open or answered. */
  latest(courseId: string, assignmentId: string): RegradeRequestInfo | undefined {
    return this.byCourse.get(courseId)?.find((r) => r.assignmentId === assignmentId);
  }

  /** The newest request about one submission. */
  ofSubmission(submissionId: string): RegradeRequestInfo | undefined {
    for (const list of this.byCourse.values()) {
      const found = list.find((r) => r.submissionId === submissionId);
      if (found) return found;
    }
    return undefined;
  }

  /** Ask for a regrade; resolves with the request as the hub recorded it. */
  async create(params: NewRegradeRequest): Promise<RegradeRequestInfo> {
    const { request } = await this.request(CreateRegradeRequestRequest.type, params);
    this.apply(request);
    return request;
  }

  /** A request as the hub now has it (an event): replaces the one known, or comes first. */
  apply(r: RegradeRequestInfo): void {
    const list = this.byCourse.get(r.courseId) ?? [];
    const at = list.findIndex((x) => x.id === r.id);
    if (at >= 0) list[at] = r;
    else list.unshift(r);
    this.byCourse.set(r.courseId, list);
    this.changes.fire(r);
  }

  /** Forget everything (sign-out). */
  clear(): void {
    this.byCourse.clear();
    this.changes.fire(undefined);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

/** What an assignment's row adds for its newest request: a word beside it and lines in its hover. */
export function regradeRequestText(r: RegradeRequestInfo): { description: string; tooltip: string[] } {
  if (r.state === 'open') return { description: 'regrade requested', tooltip: [`Regrade requested: “${r.message}” (waiting for an answer)`] };
  const who = r.answer?.authorName ?? r.answer?.authorId ?? 'the staff';
  const what = r.answer?.outcome === 'regraded' ? ' (regraded)' : r.answer?.outcome === 'overridden' ? ` (score set to ${r.answer.score})` : '';
  return { description: 'regrade answered', tooltip: [`Regrade requested: “${r.message}”`, `Answer from ${who}${what}: “${r.answer?.message ?? ''}”`] };
}

/** The notification a student gets when their request is answered. */
export function regradeAnsweredNotice(r: RegradeRequestInfo, title: string): string {
  const who = r.answer?.authorName ?? r.answer?.authorId ?? 'The staff';
  const what = r.answer?.outcome === 'regraded' ? ' Your submission is being graded again.' : r.answer?.outcome === 'overridden' ? ` Your score is now ${r.answer.score}.` : '';
  return `${who} answered your regrade request on “${title}”: ${r.answer?.message ?? ''}${what}`;
}

/** The lines Show Results ends with: the request about this submission and its answer, or how to ask. */
export function regradeReportLines(r: RegradeRequestInfo | undefined): string[] {
  if (!r) return ['', 'Disagree with a result? Use “Request Regrade…” on the assignment (or run Classpod: Request Regrade…).'];
  return ['', ...regradeRequestText(r).tooltip];
}
