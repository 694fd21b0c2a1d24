// Pushes events to the clients connected at the time: a score, a submission or
// a workspace state concerns one student of one course, and goes to that
// student's connections and to the connections of the course's staff.

import type { NotificationType, RpcEndpoint, Static, TSchema } from '@classpod/protocol';
import { parseGroupOwner } from '../groups/work-owner';
import type { Store } from '../store/store';

/** One connected client of the hub API. */
export interface ClientSession {
  personId: string;
  endpoint: RpcEndpoint;
}

export class EventHub {
  private readonly sessions = new Set<ClientSession>();

  constructor(private readonly store: Store) {}

  add(session: ClientSession): () => void {
    this.sessions.add(session);
    return () => this.sessions.delete(session);
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Send to the student (every member, when it is a group's work) and to every professor and assistant of the course who is connected. */
  async publish<P extends TSchema>(type: NotificationType<P>, params: Static<P>, about: { courseId: string; studentId: string }): Promise<void> {
    if (this.sessions.size === 0) return;
    const staff = new Set((await this.store.courses.members(about.courseId)).filter((m) => m.role !== 'student').map((m) => m.id));
    const group = parseGroupOwner(about.studentId);
    const owners = new Set(group ? ((await this.store.groups.get(about.courseId, group.assignmentId, group.groupId))?.members ?? []) : [about.studentId]);
    for (const s of this.sessions) {
      if (owners.has(s.personId) || staff.has(s.personId)) s.endpoint.notify(type, params);
    }
  }

  /** Close every client connection (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const s of this.sessions) s.endpoint.close(code, reason);
    this.sessions.clear();
  }
}
