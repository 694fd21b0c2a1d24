// Pre-warming a course's workspaces before a lab session. At a scheduled
// session's warm-up time (its start minus its lead time, by the hub's clock)
// the hub opens every student's workspace of the course, a few at a time, as a
// student's own connection would (started, layout written), and records the
// session as warmed. Sessions live in the store (store/prewarm-repository.ts), so a
// restarted hub warms what fell due while it was down — unless the session
// has already begun, which is recorded as missed: starting a whole class in
// the middle of a lab would compete with the students who are arriving.
//
// A pre-warmed workspace nobody works in is stopped by the usual idle rule,
// counted from the session's start: it is started as the hub's own start
// (`idleAfterMs`, which is not activity) with the time left until the session
// plus the course's idle time. The first thing a student does in it makes it
// an ordinary workspace with the ordinary idle time.

import type { Logger } from '@classpod/observability';
import type { PrewarmRepository, PrewarmSessionRecord } from '../store/prewarm-repository';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { WorkspaceOpener } from './workspace-opener';
import { workspaceIdOf } from './workspace-provider';

export interface PrewarmSchedulerOptions {
  sessions: PrewarmRepository;
  store: Store;
  opener: Pick<WorkspaceOpener, 'open'>;
  clock: Clock;
  logger: Logger;
  /** A course's idle time (ms). */
  idleTimeOf: (courseId: string) => Promise<number>;
  /** Longest pause between two looks at the clock (ms). */
  pollMs: number;
  /** Workspaces started at once. */
  concurrency?: number;
}

export class PrewarmScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<PrewarmSessionRecord[]> | undefined;
  private stopped = false;

  constructor(private readonly o: PrewarmSchedulerOptions) {}

  /** Warm what is due now (sessions that fell due while the hub was down included), then keep looking. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.runDue();
    this.schedule();
  }

  /** Look again for the soonest session (one was just scheduled). */
  wake(): void {
    if (this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The next look: at the soonest warm-up time when it comes before the poll interval ends. */
  private schedule(): void {
    if (this.stopped) return;
    void this.o.sessions
      .nextWarmAt()
      .catch(() => undefined)
      .then((next) => {
        if (this.stopped) return;
        const untilNext = next === undefined ? Infinity : Date.parse(next) - this.o.clock.now().getTime();
        this.timer = setTimeout(
          () => {
            this.runDue()
              .catch((err: Error) => this.o.logger.error('pre-warming failed', { err }))
              .finally(() => this.schedule());
          },
          Math.max(0, Math.min(this.o.pollMs, untilNext)),
        );
        this.timer.unref();
      });
  }

  /** Warm every session due by the hub's clock (one pass at a time); resolves to the sessions it finished. */
  runDue(): Promise<PrewarmSessionRecord[]> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(): Promise<PrewarmSessionRecord[]> {
    const done: PrewarmSessionRecord[] = [];
    for (const session of await this.o.sessions.due(this.o.clock.now().toISOString())) {
      if (this.stopped) break;
      const finished = await this.warm(session);
      if (finished) done.push(finished);
    }
    return done;
  }

  private async warm(session: PrewarmSessionRecord): Promise<PrewarmSessionRecord | undefined> {
    const now = this.o.clock.now();
    const log = { sessionId: session.id, courseId: session.courseId, startsAt: session.startsAt };
    if (now.getTime() >= Date.parse(session.startsAt)) {
      this.o.logger.warn('lab session not pre-warmed: it had begun when the hub looked', { ...log, now: now.toISOString() });
      return (await this.o.sessions.finish(session.id, 'missed', { at: now.toISOString() })) ? this.o.sessions.get(session.id) : undefined;
    }
    const keepMs = Date.parse(session.startsAt) - now.getTime() + (await this.o.idleTimeOf(session.courseId));
    const students = await this.o.store.courses.members(session.courseId, 'student');
    let started = 0;
    let failed = 0;
    const concurrency = Math.max(1, this.o.concurrency ?? 4);
    for (let i = 0; i < students.length && !this.stopped; i += concurrency) {
      await Promise.all(
        students.slice(i, i + concurrency).map(async (s) => {
          const key = { courseId: session.courseId, studentId: s.id };
          try {
            await this.o.opener.open(key, undefined, { idleAfterMs: keepMs });
            started += 1;
          } catch (err) {
            failed += 1;
            this.o.logger.warn('workspace not pre-warmed', { ...log, workspaceId: workspaceIdOf(key), err });
          }
        }),
      );
    }
    if (this.stopped) return undefined;
    this.o.logger.info('lab session pre-warmed', { ...log, started, failed, keepMs });
    return (await this.o.sessions.finish(session.id, 'warmed', { at: now.toISOString(), started, failed })) ? this.o.sessions.get(session.id) : undefined;
  }
}
