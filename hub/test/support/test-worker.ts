// A hand-driven grading worker for tests, speaking the lease protocol of
// protocol/src/methods/grading.ts one step at a time (register, lease,
// heartbeat, report), so a test can hold a job in the middle of grading while
// it kills the hub. Jobs are graded with the grader package's engine in the
// best sandbox here; it registers with the identity the grader probes.

import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  HeartbeatRequest,
  LeaseJobRequest,
  RegisterWorkerRequest,
  ReportResultRequest,
  RpcEndpoint,
  type GradeResult,
  type GradingJob,
  type WorkerIdentity,
} from '@classpod/protocol';
import { createSandbox, gradeFiles, workerIdentity, type SandboxName } from '@classpod/grader';

/** `local` when the grader's local sandbox works here, else `none`. */
export function bestSandbox(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const local = require('@classpod/grader/dist/src/sandboxes/local-sandbox') as { localSandboxUnavailable(): string | undefined };
    return local.localSandboxUnavailable() ? 'none' : 'local';
  } catch {
    return 'none';
  }
}

/** Grade a job's files with the grader engine, as worker `workerId`. */
export async function gradeJob(job: GradingJob, sandbox = bestSandbox(), workerId = 'test-worker'): Promise<GradeResult> {
  return gradeFiles(
    job.spec,
    job.files.map((f) => [f.path, Buffer.from(f.contentBase64, 'base64')] as [string, Uint8Array]),
    { sandbox: sandbox as SandboxName, workerId, ...(job.snapshotHash ? { snapshotHash: job.snapshotHash } : {}) },
  );
}

/** The identity the grader reports for a worker in `sandbox`. */
export async function testWorkerIdentity(workerId = 'test-worker', sandbox = bestSandbox()): Promise<WorkerIdentity> {
  const s = createSandbox(sandbox as SandboxName);
  try {
    return await workerIdentity(s, workerId, ['c', 'cpp', 'python']);
  } finally {
    await s.dispose();
  }
}

/** A connection to `/v1/grader`. */
export class TestWorkerConnection {
  private constructor(readonly ws: WebSocket, readonly endpoint: RpcEndpoint) {}

  /** Connect and, unless `identity` is null, register (default: the grader's identity in the best sandbox). */
  static async connect(hubUrl: string, token: string, identity?: WorkerIdentity | null): Promise<TestWorkerConnection> {
    const ws = new WebSocket(hubUrl.replace(/^http/, 'ws') + '/v1/grader', { headers: { authorization: `Bearer ${token}` } });
    await once(ws, 'open');
    const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
    await endpoint.hello({ capabilities: ['grading'], client: { name: 'hub-test-worker', version: '0' } });
    const c = new TestWorkerConnection(ws, endpoint);
    if (identity !== null) await c.register(identity ?? (await testWorkerIdentity()));
    return c;
  }

  register(identity: WorkerIdentity): Promise<unknown> {
    return this.endpoint.request(RegisterWorkerRequest.type, identity);
  }

  lease(waitMs = 10_000, workerId = 'test-worker', sandbox = bestSandbox()): Promise<GradingJob | null> {
    return this.endpoint.request(LeaseJobRequest.type, { workerId, sandbox, languages: ['c', 'cpp', 'python'], waitMs }).then((r) => r.job);
  }

  heartbeat(job: GradingJob): Promise<{ leaseMs: number }> {
    return this.endpoint.request(HeartbeatRequest.type, { jobId: job.jobId, leaseId: job.leaseId, testsDone: 0, testsTotal: 1 });
  }

  async report(job: GradingJob, result: GradeResult): Promise<boolean> {
    return (await this.endpoint.request(ReportResultRequest.type, { jobId: job.jobId, leaseId: job.leaseId, outcome: 'graded', result })).accepted;
  }

  close(): void {
    this.endpoint.close();
    this.ws.terminate();
  }
}
