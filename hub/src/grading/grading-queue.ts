// The grading queue as workers see it over `/v1/grader`: lease the oldest
// queued job (long-polling while there is none), heartbeat to keep the lease,
// report the result (recorded exactly once: only the live lease can complete a
// job), or hand the job back. Leases that stop being renewed expire and their
// jobs are leased again. Scores go out as events to the student and the staff.
// `/metrics` shows how long the oldest queued job has waited, so that workers
// that silently stopped are noticed (deploy/base/prometheusrule.yaml).

import {
  errors,
  HandBackJobRequest,
  HeartbeatRequest,
  LeaseJobRequest,
  ReportResultRequest,
  type GradingJob,
  type GradingSpec,
  type Logger,
  type MetricsRegistry,
  type RpcEndpoint,
} from '@classpod/protocol';
import type { BlobStore } from '../blobs/blob-store';
import type { EventHub } from '../events/event-hub';
import { publishScoreChanged } from '../events/score-events';
import type { Store } from '../store/store';
import type { Submission } from '../store/records';

export interface GradingQueueOptions {
  /** A lease ends this long after the last heartbeat (ms). */
  leaseMs: number;
  /** How often workers are asked to heartbeat (ms). */
  heartbeatMs: number;
  /** How often expired leases are looked for (ms). */
  sweepMs: number;
  /** A job whose sandbox failed this many times is recorded as failed. */
  maxAttempts: number;
}

export const DEFAULT_GRADING_QUEUE_OPTIONS: GradingQueueOptions = { leaseMs: 30_000, heartbeatMs: 5_000, sweepMs: 2_000, maxAttempts: 3 };

export class GradingQueue {
  private readonly waiters = new Set<() => void>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private readonly o: GradingQueueOptions;
  private readonly recorded;
  private readonly leased;
  /** The oldest queued job's wait when last looked up, and when that was (Date.now()). */
  private oldestQueued: { ageMs: number; atMs: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly events: EventHub,
    private readonly logger: Logger,
    metrics: MetricsRegistry,
    options: Partial<GradingQueueOptions> = {},
  ) {
    this.o = { ...DEFAULT_GRADING_QUEUE_OPTIONS, ...options };
    this.recorded = metrics.counter('hub_grading_results_total', 'Grading results recorded, by outcome.');
    this.leased = metrics.counter('hub_grading_leases_total', 'Grading jobs leased to workers.');
    metrics.gauge('hub_grading_oldest_queued_seconds', 'How long the oldest queued grading job has waited (s); 0 when none is queued.', () =>
      this.oldestQueued ? Math.round(this.oldestQueued.ageMs + Date.now() - this.oldestQueued.atMs) / 1000 : 0,
    );
  }

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), this.o.sweepMs);
    this.sweeper.unref();
    void this.sweep();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.wake();
  }

  /** Re-queue jobs whose lease expired; wake workers if any. */
  async sweep(): Promise<string[]> {
    try {
      const ids = await this.store.expireLeases(Date.now());
      if (ids.length > 0) {
        this.logger.warn('leases expired; jobs queued again', { jobs: ids });
        this.wake();
      }
      await this.lookUpOldestQueued();
      return ids;
    } catch (err) {
      this.logger.error('lease sweep failed', { err });
      return [];
    }
  }

  /** New work arrived: answer waiting lease requests. */
  wake(): void {
    void this.lookUpOldestQueued();
    for (const w of [...this.waiters]) w();
  }

  /** Refresh what the oldest-queued-job gauge reports (every sweep, and when jobs come or go). */
  private async lookUpOldestQueued(): Promise<void> {
    try {
      const ageMs = await this.store.oldestQueuedJobAgeMs();
      this.oldestQueued = ageMs === null ? null : { ageMs, atMs: Date.now() };
    } catch (err) {
      this.logger.error('cannot look up the oldest queued job', { err });
    }
  }

  /** Serve the worker methods on one connection. */
  attach(endpoint: RpcEndpoint): void {
    endpoint.handle(LeaseJobRequest.type, async (p, ctx) => ({ job: await this.lease(p.workerId, p.waitMs, ctx.signal) }));
    endpoint.handle(HeartbeatRequest.type, async (p) => {
      if (!(await this.store.heartbeat(p.jobId, p.leaseId, Date.now() + this.o.leaseMs))) {
        throw errors.conflict(`lease ${p.leaseId} of job ${p.jobId} is no longer held; stop grading it`);
      }
      return { leaseMs: this.o.leaseMs };
    });
    endpoint.handle(ReportResultRequest.type, async (p) => ({ accepted: await this.report(p.jobId, p.leaseId, p.outcome, p.result) }));
    endpoint.handle(HandBackJobRequest.type, async (p) => {
      if (await this.store.releaseJob(p.jobId, p.leaseId)) {
        this.logger.info('job handed back', { jobId: p.jobId, reason: p.reason });
        this.wake();
      }
      return {};
    });
  }

  /** The next job, waiting up to `waitMs` for one; null when none came. */
  async lease(workerId: string, waitMs: number, signal: AbortSignal): Promise<GradingJob | null> {
    const until = Date.now() + waitMs;
    for (;;) {
      if (signal.aborted) return null;
      const taken = await this.store.leaseNext(workerId, Date.now() + this.o.leaseMs);
      if (taken) {
        try {
          const job = await this.jobOf(taken.job.id, taken.job.leaseId!, taken.submission);
          this.leased.inc();
          void this.lookUpOldestQueued();
          this.logger.info('job leased', { jobId: job.jobId, submissionId: job.submissionId, workerId, attempt: taken.job.attempts });
          return job;
        } catch (err) {
          this.logger.error('cannot build a job; recording it as failed', { jobId: taken.job.id, err });
          await this.finish(taken.job.id, taken.job.leaseId!, 'failed', undefined, JSON.stringify({ error: (err as Error).message }));
          continue;
        }
      }
      const left = until - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  private async jobOf(jobId: string, leaseId: string, s: Submission): Promise<GradingJob> {
    const a = await this.store.getAssignment(s.courseId, s.assignmentId);
    if (!a) throw new Error(`assignment ${s.courseId}/${s.assignmentId} no longer exists`);
    const files = await this.blobs.readFolder(await this.blobs.manifest(s.snapshotHash));
    return {
      jobId,
      leaseId,
      submissionId: s.id,
      spec: JSON.parse(a.specJson) as GradingSpec,
      files: files.map((f) => ({ path: f.path, contentBase64: f.content.toString('base64') })),
      leaseMs: this.o.leaseMs,
      heartbeatMs: this.o.heartbeatMs,
    };
  }

  private async report(
    jobId: string,
    leaseId: string,
    outcome: 'graded' | 'system-error',
    result: import('@classpod/protocol').GradeResult,
  ): Promise<boolean> {
    const job = await this.store.getJob(jobId);
    if (!job || job.leaseId !== leaseId || job.state !== 'leased') {
      this.logger.warn('result for a lease no longer held; ignored', { jobId, leaseId });
      return false;
    }
    if (outcome === 'system-error' || result.systemError) {
      if (job.attempts < this.o.maxAttempts) {
        const released = await this.store.releaseJob(jobId, leaseId);
        this.logger.warn('sandbox failed; job queued again', { jobId, attempt: job.attempts });
        this.recorded.inc(1, { outcome: 'retried' });
        this.wake();
        return released;
      }
      return this.finish(jobId, leaseId, 'failed', undefined, JSON.stringify({ ...result, error: `the grader failed ${job.attempts} times` }));
    }
    return this.finish(jobId, leaseId, 'graded', result, JSON.stringify({ ...result, workerId: job.workerId }));
  }

  private async finish(
    jobId: string,
    leaseId: string,
    status: 'graded' | 'failed',
    result: { score: number; maxScore: number } | undefined,
    resultJson: string,
  ): Promise<boolean> {
    const s = await this.store.completeJob(jobId, leaseId, { status, rawScore: result?.score, maxScore: result?.maxScore, resultJson });
    if (!s) return false;
    this.recorded.inc(1, { outcome: status });
    this.logger.info('result recorded', { jobId, submissionId: s.id, status, score: s.rawScore });
    await publishScoreChanged(this.events, this.store, s, status === 'graded' ? 'graded' : 'failed');
    return true;
  }
}
