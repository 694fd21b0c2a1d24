// The grading worker: dials out to the hub over WebSocket (bearer token),
// says hello, registers who it is (sandbox, toolchains, host: the hub's
// grading policy may refuse it, and then it stops), and runs `concurrency` slots that each lease a job, heartbeat
// while grading it, report the result and lease the next. A result with a
// system error is reported as such, so the hub leases the job again instead
// of charging the student. A lease the hub says is lost stops the grading.
// `stop()` stops leasing, lets running jobs finish within a grace period and
// hands back the ones that do not. A dropped connection is redialled with
// backoff.

import { hostname } from 'node:os';
import WebSocket from 'ws';
import {
  Backoff,
  HandBackJobRequest,
  HeartbeatRequest,
  LeaseJobRequest,
  ProtocolError,
  RegisterWorkerRequest,
  ReportResultRequest,
  RpcEndpoint,
  type GradeResult,
  type GradingJob,
  type GradingLanguage,
  type WorkerIdentity,
} from '@classpod/protocol';
import { silentLogger, type Logger } from '@classpod/observability';
import { gradeFiles } from '../engine/grade-submission';
import { workerIdentity } from '../engine/grading-identity';
import type { TimingPolicy } from '../engine/run-test';
import type { BuildCache } from '../engine/build-cache';
import type { Sandbox } from '../sandboxes/sandbox';

/** Options of a worker; limits and timings have defaults. */
export interface GradingWorkerOptions {
  /** The hub's grader endpoint, e.g. `wss://hub.example/v1/grader`. */
  hubUrl: string;
  token: string;
  sandbox: Sandbox;
  /** Jobs graded at once (default 1). */
  concurrency?: number;
  /** This worker's name at the hub (default host name and pid). */
  workerId?: string;
  /** Languages offered (default all). */
  languages?: GradingLanguage[];
  /** How long one lease request may wait at the hub (ms, default 20000). */
  leaseWaitMs?: number;
  /** First and longest redial delay (ms). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Largest frame accepted from the hub (bytes, default 64 MiB: jobs carry test data). */
  maxFrameBytes?: number;
  buildCache?: BuildCache;
  /** Time-fair verdicts (default: within 10 % of a limit, up to 3 runs). */
  timing?: Partial<TimingPolicy>;
  /** Pin each run to one core where the sandbox can (default true). */
  pinCores?: boolean;
  logger?: Logger;
}

/** The hub refused this worker at registration (its grading policy does not name the worker's sandbox). */
export class WorkerRefusedError extends Error {
  constructor(
    message: string,
    /** The policy the hub sent with its refusal, when it sent one. */
    readonly policy: unknown,
  ) {
    super(message);
    this.name = 'WorkerRefusedError';
  }
}

/** What the worker has done, for logs and tests. */
export interface WorkerCounters {
  leased: number;
  reported: number;
  systemErrors: number;
  handedBack: number;
  leasesLost: number;
  connections: number;
}

interface RunningJob {
  job: GradingJob;
  abort: AbortController;
  handBack: boolean;
  done: Promise<void>;
}

/** A grading worker. Start with `start()`, end with `stop()`. */
export class GradingWorker {
  readonly counters: WorkerCounters = { leased: 0, reported: 0, systemErrors: 0, handedBack: 0, leasesLost: 0, connections: 0 };
  private readonly log: Logger;
  private readonly running = new Set<RunningJob>();
  private endpoint: RpcEndpoint | null = null;
  private socket: WebSocket | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly stopped = new AbortController();
  private identity: Promise<WorkerIdentity> | null = null;
  private refusedWith: WorkerRefusedError | null = null;
  private onRefused: ((err: WorkerRefusedError) => void) | null = null;
  /** Settles when the hub refuses this worker; it then stops by itself. */
  readonly refused: Promise<WorkerRefusedError> = new Promise((resolve) => (this.onRefused = resolve));

  constructor(private readonly options: GradingWorkerOptions) {
    this.log = (options.logger ?? silentLogger).child({ component: 'grader-worker' });
  }

  get workerId(): string {
    return this.options.workerId ?? `${hostname()}-${process.pid}`;
  }

  /** The refusal, once the hub refused this worker. */
  get refusal(): WorkerRefusedError | null {
    return this.refusedWith;
  }

  /** What this worker tells the hub about itself (probed once). */
  whoAmI(): Promise<WorkerIdentity> {
    this.identity ??= workerIdentity(this.options.sandbox, this.workerId, this.options.languages);
    return this.identity;
  }

  /** Connect and grade until stopped. */
  start(): void {
    this.loop ??= this.connectLoop();
  }

  /**
   * Stop leasing; jobs still running after `graceMs` are stopped and handed
   * back to the hub. Resolves when everything is closed.
   */
  async stop(graceMs = 30000): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const all = Promise.all([...this.running].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const r of this.running) {
      r.handBack = true;
      r.abort.abort();
    }
    await all;
    this.endpoint?.close(1000, 'worker stopping');
    this.socket?.terminate();
    await this.loop;
  }

  private async connectLoop(): Promise<void> {
    const backoff = new Backoff({ initialMs: this.options.reconnectMinMs ?? 500, maxMs: this.options.reconnectMaxMs ?? 30000 });
    while (!this.stopping) {
      try {
        const endpoint = await this.connect();
        backoff.reset();
        const closed = new Promise<void>((r) =>
          endpoint.onClose(() => {
            // Leases cannot be reported on a closed connection: stop; the hub leases them again.
            for (const job of this.running) job.abort.abort();
            r();
          }),
        );
        const slots = Array.from({ length: this.options.concurrency ?? 1 }, (_, i) => this.slot(endpoint, i));
        await Promise.race([closed, Promise.all(slots)]);
        await Promise.all(slots);
      } catch (err) {
        if (err instanceof WorkerRefusedError) {
          // Not a passing problem: the hub's policy does not accept this worker. Stop instead of redialling.
          this.refusedWith = err;
          this.stopping = true;
          this.log.error('the hub refused this worker; stopping', { err: err.message, policy: err.policy });
          this.endpoint?.close(1000, 'refused by the hub');
          this.socket?.terminate();
          this.onRefused?.(err);
          break;
        }
        this.log.warn('hub connection failed', { err: (err as Error).message });
      }
      this.endpoint = null;
      if (this.stopping) break;
      const delay = backoff.next();
      await new Promise<void>((r) => {
        const t = setTimeout(r, delay);
        this.stopped.signal.addEventListener('abort', () => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private async connect(): Promise<RpcEndpoint> {
    const maxFrameBytes = this.options.maxFrameBytes ?? 64 * 1024 * 1024;
    const ws = new WebSocket(this.options.hubUrl, {
      headers: { authorization: `Bearer ${this.options.token}` },
      maxPayload: maxFrameBytes * 2,
    });
    this.socket = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`hub refused the connection: HTTP ${res.statusCode}`)));
    });
    const endpoint = new RpcEndpoint(ws, { role: 'client', name: 'grader-worker', logger: this.log, maxFrameBytes });
    this.endpoint = endpoint;
    await endpoint.hello({ capabilities: ['grading'], client: { name: 'classpod-grader', version: '0.1.0' } });
    const identity = await this.whoAmI();
    try {
      const { policy } = await endpoint.request(RegisterWorkerRequest.type, identity);
      this.log.info('registered with the hub', { sandbox: identity.sandbox.name, officialSandboxes: policy.officialSandboxes });
    } catch (err) {
      if (ProtocolError.is(err, 'Forbidden')) throw new WorkerRefusedError(err.message, (err.data as { policy?: unknown } | undefined)?.policy);
      throw err;
    }
    this.counters.connections++;
    this.log.info('connected to the hub', { hub: this.options.hubUrl, worker: this.workerId });
    return endpoint;
  }

  /** One slot: lease, grade, report, repeat, until stopping or the connection closes. */
  private async slot(endpoint: RpcEndpoint, index: number): Promise<void> {
    const waitMs = this.options.leaseWaitMs ?? 20000;
    const identity = await this.whoAmI();
    const languages = identity.toolchains.filter((t) => t.available).map((t) => t.language);
    while (!this.stopping && !endpoint.isClosed) {
      let job: GradingJob | null;
      try {
        const r = await endpoint.request(
          LeaseJobRequest.type,
          { workerId: this.workerId, sandbox: this.options.sandbox.name, languages, waitMs },
          { timeoutMs: waitMs + 15000, signal: this.stopped.signal },
        );
        job = r.job;
      } catch (err) {
        if (!this.stopping && !endpoint.isClosed) this.log.warn('lease failed', { err: (err as Error).message, slot: index });
        if (!endpoint.isClosed && !this.stopping) await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!job) continue;
      if (this.stopping) {
        await this.handBack(endpoint, job, 'worker stopping');
        continue;
      }
      this.counters.leased++;
      const running: RunningJob = { job, abort: new AbortController(), handBack: false, done: Promise.resolve() };
      running.done = this.grade(endpoint, running);
      this.running.add(running);
      await running.done;
      this.running.delete(running);
    }
  }

  private async grade(endpoint: RpcEndpoint, running: RunningJob): Promise<void> {
    const { job, abort } = running;
    const log = this.log.child({ jobId: job.jobId, submissionId: job.submissionId });
    const total = job.spec.groups.reduce((n, g) => n + g.tests.length, 0);
    let testsDone = 0;
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      endpoint
        .request(HeartbeatRequest.type, { jobId: job.jobId, leaseId: job.leaseId, testsDone, testsTotal: total }, { timeoutMs: job.heartbeatMs * 2 })
        .catch((err: unknown) => {
          if (ProtocolError.is(err, 'NotFound') || ProtocolError.is(err, 'Conflict')) {
            leaseLost = true;
            abort.abort();
            log.warn('lease lost; grading stopped', { err: (err as Error).message });
          }
        });
    }, job.heartbeatMs);
    let result: GradeResult;
    try {
      log.info('grading');
      result = await gradeFiles(
        job.spec,
        job.files.map((f) => [f.path, Buffer.from(f.contentBase64, 'base64')] as [string, Buffer]),
        {
          sandbox: this.options.sandbox,
          signal: abort.signal,
          workerId: this.workerId,
          ...(job.snapshotHash ? { snapshotHash: job.snapshotHash } : {}),
          ...(this.options.buildCache ? { buildCache: this.options.buildCache } : {}),
          ...(this.options.timing ? { timing: this.options.timing } : {}),
          ...(this.options.pinCores !== undefined ? { pinCores: this.options.pinCores } : {}),
          onTest: (_r, done) => (testsDone = done),
        },
      );
    } catch (err) {
      log.error('grading failed', { err });
      result = failedResult(this.options.sandbox.name, (err as Error).message);
    } finally {
      clearInterval(heartbeat);
    }
    if (leaseLost) {
      this.counters.leasesLost++;
      return;
    }
    if (running.handBack || endpoint.isClosed) {
      if (!endpoint.isClosed) await this.handBack(endpoint, job, 'worker stopping before the job finished');
      return;
    }
    const outcome = result.systemError ? 'system-error' : 'graded';
    try {
      await endpoint.request(ReportResultRequest.type, { jobId: job.jobId, leaseId: job.leaseId, outcome, result });
      this.counters.reported++;
      if (result.systemError) this.counters.systemErrors++;
      log.info('reported', { outcome, score: result.score, maxScore: result.maxScore });
    } catch (err) {
      log.warn('report failed; the hub will lease the job again', { err: (err as Error).message });
    }
  }

  private async handBack(endpoint: RpcEndpoint, job: GradingJob, reason: string): Promise<void> {
    try {
      await endpoint.request(HandBackJobRequest.type, { jobId: job.jobId, leaseId: job.leaseId, reason }, { timeoutMs: 10000 });
      this.counters.handedBack++;
      this.log.info('handed back', { jobId: job.jobId, reason });
    } catch (err) {
      this.log.warn('hand-back failed; the lease will expire', { jobId: job.jobId, err: (err as Error).message });
    }
  }
}

/** A system-error result for a job the engine could not grade at all. */
function failedResult(sandbox: string, message: string): GradeResult {
  return {
    score: 0,
    maxScore: 0,
    compile: { status: 'SE', output: message, cached: false },
    tests: [],
    groups: [],
    sandbox,
    systemError: true,
    specHash: '',
    sourceHash: '',
  };
}
