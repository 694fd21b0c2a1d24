// Pushes events to the clients connected at the time: a score, a submission or
// a workspace state concerns one student of one course, and goes to that
// student's connections and to the connections of the course's staff.

import type { NotificationType, RpcEndpoint, Static, TSchema } from '@classpod/protocol';
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

  /** Send to the student and to every professor and assistant of the course who is connected. */
  async publish<P extends TSchema>(type: NotificationType<P>, params: Static<P>, about: { courseId: string; studentId: string }): Promise<void> {
    if (this.sessions.size === 0) return;
    const staff = new Set((await this.store.courses.members(about.courseId)).filter((m) => m.role !== 'student').map((m) => m.id));
    for (const s of this.sessions) {
      if (s.personId === about.studentId || staff.has(s.personId)) s.endpoint.notify(type, params);
    }
  }

  /** Close every client connection (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const s of this.sessions) s.endpoint.close(code, reason);
    this.sessions.clear();
  }
}
