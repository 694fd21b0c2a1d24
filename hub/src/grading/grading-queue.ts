// The grading queue as workers see it over `/v1/grader`: a worker registers
// who it is (sandbox, toolchains, host) and is refused when the grading policy
// does not name its sandbox; a registered worker leases the oldest queued job
// it has the toolchains for (long-polling while there is none), heartbeats to
// keep the lease, reports the result (recorded exactly once: only the live
// lease can complete a job, and only with a provenance that matches what it
// was given), or hands the job back. Leases that stop being renewed expire
// and their jobs are leased again. Every grading is kept as a grade record;
// scores go out as events to the student and the staff. `/metrics` shows how
// long the oldest queued job has waited, so that workers that silently
// stopped are noticed (deploy/base/prometheusrule.yaml).

import { canonicalJson, hashValue } from '@classpod/grader';
import {
  errors,
  HandBackJobRequest,
  HeartbeatRequest,
  LeaseJobRequest,
  RegisterWorkerRequest,
  ReportResultRequest,
  type GradeResult,
  type GradingJob,
  type GradingPolicy,
  type GradingSpec,
  type RpcEndpoint,
  type WorkerIdentity,
} from '@classpod/protocol';
import { type Logger, type MetricsRegistry } from '@classpod/observability';
import type { BlobStore } from '../blobs/blob-store';
import type { EventHub } from '../events/event-hub';
import { publishScoreChanged } from '../events/score-events';
import type { Store } from '../store/store';
import type { Job, Submission } from '../store/records';
import { coursePolicy, DEFAULT_OFFICIAL_SANDBOXES, deploymentPolicy, policyRefusal } from './grading-policy';

export interface GradingQueueOptions {
  /** A lease ends this long after the last heartbeat (ms). */
  leaseMs: number;
  /** How often workers are asked to heartbeat (ms). */
  heartbeatMs: number;
  /** How often expired leases are looked for (ms). */
  sweepMs: number;
  /** A job whose sandbox failed this many times is recorded as failed. */
  maxAttempts: number;
  /** Sandboxes whose grades are official; workers in any other are refused. */
  officialSandboxes: readonly string[];
}

export const DEFAULT_GRADING_QUEUE_OPTIONS: GradingQueueOptions = {
  leaseMs: 30_000,
  heartbeatMs: 5_000,
  sweepMs: 2_000,
  maxAttempts: 3,
  officialSandboxes: DEFAULT_OFFICIAL_SANDBOXES,
};

/** A worker connection's registration. */
interface RegisteredWorker {
  identity: WorkerIdentity;
  /** Languages it has toolchains for. */
  languages: Set<string>;
}

export class GradingQueue {
  private readonly waiters = new Set<() => void>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private readonly o: GradingQueueOptions;
  private readonly recorded;
  private readonly leased;
  /** The oldest queued job's wait when last looked up, and when that was (Date.now()). */
  private oldestQueued: { ageMs: number; atMs: number } | null = null;
  private readonly refused;
  /** The policy every worker is checked against. */
  readonly policy: GradingPolicy;
  /** Languages of an assignment's spec (and checker), by `course/assignment@updatedAt`. */
  private readonly languagesOf = new Map<string, Set<string>>();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly events: EventHub,
    private readonly logger: Logger,
    metrics: MetricsRegistry,
    options: Partial<GradingQueueOptions> = {},
  ) {
    this.o = { ...DEFAULT_GRADING_QUEUE_OPTIONS, ...options };
    this.recorded = metrics.counter('hub_grading_results_total', 'Grading results recorded, by outcome.', ['outcome']);
    this.leased = metrics.counter('hub_grading_leases_total', 'Grading jobs leased to workers.');
    metrics.gauge('hub_grading_oldest_queued_seconds', 'How long the oldest queued grading job has waited (s); 0 when none is queued.', () =>
      this.oldestQueued ? Math.round(this.oldestQueued.ageMs + Date.now() - this.oldestQueued.atMs) / 1000 : 0,
    );
    this.refused = metrics.counter('hub_grading_workers_refused_total', 'Grading workers refused by the grading policy, by sandbox.', ['sandbox']);
    this.policy = deploymentPolicy(this.o.officialSandboxes);
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
      const ids = await this.store.jobs.expireLeases(Date.now());
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
      const ageMs = await this.store.jobs.oldestQueuedAgeMs();
      this.oldestQueued = ageMs === null ? null : { ageMs, atMs: Date.now() };
    } catch (err) {
      this.logger.error('cannot look up the oldest queued job', { err });
    }
  }

  /** Serve the worker methods on one connection. */
  attach(endpoint: RpcEndpoint): void {
    let worker: RegisteredWorker | null = null;
    const registered = (what: string): RegisteredWorker => {
      if (worker) return worker;
      throw errors.forbidden(
        `register this worker first (grading/register): the hub ${what} only for workers whose sandbox its grading policy names (${this.policy.officialSandboxes.join(', ')})`,
        { policy: this.policy },
      );
    };
    endpoint.handle(RegisterWorkerRequest.type, (identity) => {
      const refusal = policyRefusal(identity, this.policy);
      if (refusal) {
        worker = null;
        this.refused.inc(1, { sandbox: identity.sandbox.name });
        this.logger.warn('grading worker refused', { workerId: identity.workerId, sandbox: identity.sandbox.name, policy: this.policy.officialSandboxes });
        throw errors.forbidden(refusal, { policy: this.policy });
      }
      worker = { identity, languages: new Set(identity.toolchains.filter((t) => t.available).map((t) => t.language)) };
      this.logger.info('grading worker registered', {
        workerId: identity.workerId,
        sandbox: identity.sandbox.name,
        sandboxVersion: identity.sandbox.version,
        cgroups: identity.sandbox.cgroups,
        languages: [...worker.languages],
      });
      if (identity.sandbox.name === 'none') this.logger.warn('a worker grades with `none`, which is not a sandbox; the policy makes its grades official', { workerId: identity.workerId });
      return { policy: this.policy };
    });
    endpoint.handle(LeaseJobRequest.type, async (p, ctx) => {
      const w = registered('leases jobs');
      if (p.sandbox !== w.identity.sandbox.name) {
        throw errors.invalidParams(`this worker registered sandbox ${w.identity.sandbox.name} but leases for ${p.sandbox}`);
      }
      const languages = new Set(p.languages.filter((l) => w.languages.has(l)));
      return { job: await this.lease(w.identity.workerId, p.waitMs, ctx.signal, { languages, sandbox: w.identity.sandbox.name }) };
    });
    endpoint.handle(HeartbeatRequest.type, async (p) => {
      if (!(await this.store.jobs.heartbeat(p.jobId, p.leaseId, Date.now() + this.o.leaseMs))) {
        throw errors.conflict(`lease ${p.leaseId} of job ${p.jobId} is no longer held; stop grading it`);
      }
      return { leaseMs: this.o.leaseMs };
    });
    endpoint.handle(ReportResultRequest.type, async (p) => ({ accepted: await this.report(p.jobId, p.leaseId, p.outcome, p.result, registered('records results')) }));
    endpoint.handle(HandBackJobRequest.type, async (p) => {
      if (await this.store.jobs.release(p.jobId, p.leaseId)) {
        this.logger.info('job handed back', { jobId: p.jobId, reason: p.reason });
        this.wake();
      }
      return {};
    });
  }

  /** The languages an assignment's grading needs (its language and its checker's). */
  private async assignmentLanguages(courseId: string, assignmentId: string): Promise<Set<string> | null> {
    const a = await this.store.assignments.get(courseId, assignmentId);
    if (!a) return null;
    const key = `${courseId}/${assignmentId}@${a.updatedAt}`;
    let langs = this.languagesOf.get(key);
    if (!langs) {
      const spec = JSON.parse(a.specJson) as GradingSpec;
      langs = new Set([spec.language, ...(spec.checker ? [spec.checker.language] : [])]);
      this.languagesOf.set(key, langs);
    }
    return langs;
  }

  /** The grading policy of course `courseId`: the deployment's, narrowed by the course's. */
  async policyFor(courseId: string): Promise<GradingPolicy> {
    return coursePolicy(this.policy, await this.store.courses.officialSandboxes(courseId));
  }

  /**
   * The next job this worker can grade (its languages; its sandbox named by
   * the job's course policy), waiting up to `waitMs` for one; null when none came.
   */
  async lease(
    workerId: string,
    waitMs: number,
    signal: AbortSignal,
    worker?: { languages: ReadonlySet<string>; sandbox: string },
  ): Promise<GradingJob | null> {
    const until = Date.now() + waitMs;
    const accepts = worker
      ? async (c: { courseId: string; assignmentId: string }): Promise<boolean> => {
          if (!(await this.policyFor(c.courseId)).officialSandboxes.includes(worker.sandbox)) return false;
          const needed = await this.assignmentLanguages(c.courseId, c.assignmentId);
          // A job whose assignment is gone is leased so that it is recorded as failed.
          return needed === null || [...needed].every((l) => worker.languages.has(l));
        }
      : undefined;
    for (;;) {
      if (signal.aborted) return null;
      const taken = await this.store.jobs.leaseNext(workerId, Date.now() + this.o.leaseMs, accepts);
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
    const a = await this.store.assignments.get(s.courseId, s.assignmentId);
    if (!a) throw new Error(`assignment ${s.courseId}/${s.assignmentId} no longer exists`);
    const files = await this.blobs.readFolder(await this.blobs.manifest(s.snapshotHash));
    const spec = JSON.parse(a.specJson) as GradingSpec;
    // The exact specification this lease grades against is kept, by its hash, so the grade can be rerun after the assignment changes.
    const specHash = hashValue(spec);
    const stored = await this.blobs.put(Buffer.from(canonicalJson(spec)));
    if (`sha256:${stored}` !== specHash) throw new Error(`the specification of ${s.courseId}/${s.assignmentId} does not hash the way the grader hashes it`);
    await this.store.jobs.setLeaseSpecHash(jobId, leaseId, specHash);
    return {
      jobId,
      leaseId,
      submissionId: s.id,
      snapshotHash: s.snapshotHash,
      spec,
      files: files.map((f) => ({ path: f.path, contentBase64: f.content.toString('base64') })),
      leaseMs: this.o.leaseMs,
      heartbeatMs: this.o.heartbeatMs,
    };
  }

  /** Why a graded result cannot be recorded for this lease, or null when it can. */
  private async provenanceProblem(job: Job, submission: Submission | undefined, result: GradeResult, worker: RegisteredWorker): Promise<string | null> {
    const p = result.provenance;
    if (!p) return 'the result carries no provenance (sandbox, toolchain, snapshot); the hub records only grades that say what produced them';
    if (p.sandbox.name !== worker.identity.sandbox.name || result.sandbox !== worker.identity.sandbox.name) {
      return `the result was graded in ${p.sandbox.name}, but this worker registered ${worker.identity.sandbox.name}`;
    }
    // The policy may have changed since the lease (a course narrowed it): the one in force now decides.
    const policy = submission ? await this.policyFor(submission.courseId) : this.policy;
    const refusal = policyRefusal({ ...worker.identity, sandbox: p.sandbox }, policy, submission?.courseId);
    if (refusal) return refusal;
    if (job.specHash && result.specHash !== job.specHash) return `the result was graded against specification ${result.specHash}, not the one this lease gave (${job.specHash})`;
    if (!submission || p.snapshotHash !== submission.snapshotHash) return `the result was graded on snapshot ${p.snapshotHash ?? '(none)'}, not the submission's (${submission?.snapshotHash ?? 'gone'})`;
    return null;
  }

  private async report(jobId: string, leaseId: string, outcome: 'graded' | 'system-error', result: GradeResult, worker: RegisteredWorker): Promise<boolean> {
    const job = await this.store.jobs.get(jobId);
    if (!job || job.leaseId !== leaseId || job.state !== 'leased') {
      this.logger.warn('result for a lease no longer held; ignored', { jobId, leaseId });
      return false;
    }
    if (job.workerId !== worker.identity.workerId) {
      throw errors.forbidden(`lease ${leaseId} of job ${jobId} belongs to worker ${job.workerId ?? '(none)'}, not ${worker.identity.workerId}`);
    }
    const submission = await this.store.submissions.get(job.submissionId);
    const record = (official: boolean) => ({
      workerId: worker.identity.workerId,
      official,
      sandbox: result.provenance?.sandbox.name ?? worker.identity.sandbox.name,
      sandboxVersion: result.provenance?.sandbox.version ?? worker.identity.sandbox.version,
      snapshotHash: submission?.snapshotHash ?? '',
      specHash: job.specHash ?? result.specHash,
      sourceHash: result.sourceHash,
      toolchainHash: result.provenance?.toolchainHash ?? '',
      workerJson: JSON.stringify(worker.identity),
    });
    if (outcome === 'system-error' || result.systemError) {
      if (job.attempts < this.o.maxAttempts) {
        const released = await this.store.jobs.release(jobId, leaseId);
        this.logger.warn('sandbox failed; job queued again', { jobId, attempt: job.attempts });
        this.recorded.inc(1, { outcome: 'retried' });
        this.wake();
        return released;
      }
      return this.finish(jobId, leaseId, 'failed', undefined, JSON.stringify({ ...result, error: `the grader failed ${job.attempts} times` }), record(false));
    }
    const problem = await this.provenanceProblem(job, submission, result, worker);
    if (problem) {
      this.logger.warn('result refused; job queued again', { jobId, workerId: worker.identity.workerId, problem });
      this.recorded.inc(1, { outcome: 'refused' });
      if (job.attempts < this.o.maxAttempts) {
        if (await this.store.jobs.release(jobId, leaseId)) this.wake();
      } else {
        await this.finish(jobId, leaseId, 'failed', undefined, JSON.stringify({ ...result, error: `no acceptable result after ${job.attempts} tries: ${problem}` }), record(false));
      }
      throw errors.conflict(`result not recorded: ${problem}`);
    }
    return this.finish(jobId, leaseId, 'graded', result, JSON.stringify({ ...result, workerId: job.workerId }), record(true));
  }

  private async finish(
    jobId: string,
    leaseId: string,
    status: 'graded' | 'failed',
    result: { score: number; maxScore: number } | undefined,
    resultJson: string,
    record?: Parameters<Store['jobs']['complete']>[3],
  ): Promise<boolean> {
    const s = await this.store.jobs.complete(jobId, leaseId, { status, rawScore: result?.score, maxScore: result?.maxScore, resultJson }, record);
    if (!s) return false;
    this.recorded.inc(1, { outcome: status });
    this.logger.info('result recorded', { jobId, submissionId: s.id, status, score: s.rawScore, official: record?.official ?? false });
    await publishScoreChanged(this.events, this.store, s, status === 'graded' ? 'graded' : 'failed');
    return true;
  }
}
