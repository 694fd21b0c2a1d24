// When each workspace was last worked in, and what is still running in it:
// the one place both providers ask whether a workspace is idle. Activity is
// what a person does (the gateway records it from the frames it relays; see
// gateway/relayed-activity.ts); a workspace is never idle while a test run is
// in progress, and each course sets how long it waits (10 minutes unless the
// course says otherwise).

import { workspaceIdOf, type WorkspaceKey } from './workspace-provider';

/** Idle time of a course's workspaces when neither the course nor the hub sets one. */
export const DEFAULT_IDLE_STOP_MS = 10 * 60_000;

export interface ActivityTrackerOptions {
  /** Idle time of courses that set none (ms). */
  idleStopMs?: number;
  /** Clock (default Date.now). */
  now?: () => number;
}

/**
 * The reason an idle stop gives (the clients' terminals show it): `paused
 * after N min idle`, where N is the idle time that applied (the course's
 * setting), not how late the check happened to run: a loaded hub that stops a
 * workspace 70 s into a 1 min idle time still says "1 min".
 */
export function pausedReason(idleLimitMs: number): string {
  return `paused after ${Math.max(1, Math.round(idleLimitMs / 60_000))} min idle`;
}

/** Whether a status reason is an idle stop's. */
export function isPausedReason(reason: string | undefined): boolean {
  return reason !== undefined && /^paused after \d+ min idle$/.test(reason);
}

/** A course's own idle time (ms), or undefined for the default. */
export type CourseIdleTime = (courseId: string) => Promise<number | undefined>;

interface Activity {
  /** Last activity (tracker clock, ms). */
  at: number;
  /** Runs in progress (test runs): never idle while above 0. */
  busy: number;
  /** Set by a start only for the hub's own file access: idle after this long instead of the course's time. */
  briefMs?: number;
}

export class ActivityTracker {
  private readonly workspaces = new Map<string, Activity>();
  private readonly defaultIdleMs: number;
  private readonly now: () => number;
  private courseIdle: CourseIdleTime = async () => undefined;

  constructor(options: ActivityTrackerOptions = {}) {
    this.defaultIdleMs = options.idleStopMs ?? DEFAULT_IDLE_STOP_MS;
    this.now = options.now ?? Date.now;
  }

  /** Where the courses' own idle times come from (the hub's store). */
  useCourseIdleTime(source: CourseIdleTime): void {
    this.courseIdle = source;
  }

  private entry(key: WorkspaceKey): Activity {
    const id = workspaceIdOf(key);
    let a = this.workspaces.get(id);
    if (!a) {
      a = { at: this.now(), busy: 0 };
      this.workspaces.set(id, a);
    }
    return a;
  }

  /** A person did something in the workspace now. */
  record(key: WorkspaceKey): void {
    const a = this.entry(key);
    a.at = this.now();
    a.briefMs = undefined;
  }

  /** Something long began (a test run); the workspace is not idle until the returned function is called (once is enough; more are ignored). */
  begin(key: WorkspaceKey): () => void {
    const a = this.entry(key);
    a.at = this.now();
    a.briefMs = undefined;
    a.busy += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      a.busy = Math.max(0, a.busy - 1);
      a.at = this.now();
    };
  }

  /**
   * The workspace was started (or found running). `briefMs`: started only for
   * the hub's own file access, so idle after that long unless someone works
   * in it meanwhile; a start that someone asked for counts as activity.
   */
  started(key: WorkspaceKey, briefMs?: number): void {
    const id = workspaceIdOf(key);
    const known = this.workspaces.get(id);
    if (briefMs === undefined) return this.record(key);
    if (!known) this.workspaces.set(id, { at: this.now(), busy: 0, briefMs });
  }

  /** The workspace stopped: nothing of its activity matters any more (runs in progress ended with it). */
  forget(key: WorkspaceKey): void {
    const a = this.workspaces.get(workspaceIdOf(key));
    if (!a) return;
    a.busy = 0;
    this.workspaces.delete(workspaceIdOf(key));
  }

  /** Whether the running workspace has been idle for its idle time at `now`; one never seen before starts its clock now. */
  async isIdle(key: WorkspaceKey, now = this.now()): Promise<boolean> {
    const id = workspaceIdOf(key);
    const a = this.workspaces.get(id);
    if (!a) {
      this.workspaces.set(id, { at: now, busy: 0 });
      return false;
    }
    if (a.busy > 0) return false;
    return now - a.at >= (await this.idleLimit(key));
  }

  /** The idle time that applies to the workspace now (ms): a brief start's, else its course's, else the default. */
  async idleLimit(key: WorkspaceKey): Promise<number> {
    const a = this.workspaces.get(workspaceIdOf(key));
    return a?.briefMs ?? (await this.courseIdle(key.courseId)) ?? this.defaultIdleMs;
  }

  /** How long ago the last activity was (ms), if known. */
  idleFor(key: WorkspaceKey, now = this.now()): number | undefined {
    const a = this.workspaces.get(workspaceIdOf(key));
    return a ? now - a.at : undefined;
  }

  /** Runs in progress in the workspace. */
  runsInProgress(key: WorkspaceKey): number {
    return this.workspaces.get(workspaceIdOf(key))?.busy ?? 0;
  }
}
