import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  errors,
  HandBackJobRequest,
  HeartbeatRequest,
  LeaseJobRequest,
  RegisterWorkerRequest,
  ReportResultRequest,
  RpcEndpoint,
  type GradingJob,
  type Static,
  type WorkerIdentity,
} from '@classpod/protocol';
import { BuildCache, GradingWorker, loadSpec, NoneSandbox, type GradingSpec, type Sandbox } from '../../src';
import { DEMO_ASSIGNMENTS, GRADER_ROOT, useTempDirs } from '../temp-dir';

type Report = Static<typeof ReportResultRequest.type.params>;

/** The hub's side of the lease protocol, on a real WebSocket server on loopback. */
class FakeHub {
  readonly wss: WebSocketServer;
  readonly jobs: GradingJob[] = [];
  readonly reports: Report[] = [];
  readonly handedBack: string[] = [];
  readonly heartbeats: string[] = [];
  readonly leaseRequests: string[] = [];
  readonly tokens: string[] = [];
  readonly identities: WorkerIdentity[] = [];
  lostLeases = new Set<string>();
  private waiters: (() => void)[] = [];
  private endpoints: RpcEndpoint[] = [];

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws: WebSocket, req) => {
      this.tokens.push(String(req.headers.authorization));
      const endpoint = new RpcEndpoint(ws, { role: 'server', maxFrameBytes: 64 * 1024 * 1024 });
      this.endpoints.push(endpoint);
      endpoint.handle(RegisterWorkerRequest.type, (p) => {
        this.identities.push(p);
        return { policy: { officialSandboxes: [p.sandbox.name], source: 'deployment' as const } };
      });
      endpoint.handle(LeaseJobRequest.type, async (p, ctx) => {
        this.leaseRequests.push(p.workerId);
        const until = Date.now() + p.waitMs;
        while (this.jobs.length === 0 && Date.now() < until && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 20));
        return { job: this.jobs.shift() ?? null };
      });
      endpoint.handle(HeartbeatRequest.type, (p) => {
        this.heartbeats.push(p.jobId);
        if (this.lostLeases.has(p.leaseId)) throw errors.notFound(`lease ${p.leaseId} expired`);
        return { leaseMs: 5000 };
      });
      endpoint.handle(ReportResultRequest.type, (p) => {
        this.reports.push(p);
        this.notify();
        return { accepted: true };
      });
      endpoint.handle(HandBackJobRequest.type, (p) => {
        this.handedBack.push(p.jobId);
        this.notify();
        return {};
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/v1/grader`;
  }

  /** Resolves once `check` holds (checked after every report or hand-back). */
  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((r) => this.waiters.push(r));
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async close(): Promise<void> {
    for (const e of this.endpoints) e.close();
    for (const c of this.wss.clients) c.terminate();
    await new Promise((r) => this.wss.close(r));
  }
}

function job(id: string, spec: GradingSpec, files: Record<string, string | Buffer>): GradingJob {
  return {
    jobId: id,
    leaseId: `lease-${id}`,
    submissionId: `submission-${id}`,
    spec,
    files: Object.entries(files).map(([p, c]) => ({ path: p, contentBase64: Buffer.from(c).toString('base64') })),
    leaseMs: 5000,
    heartbeatMs: 100,
  };
}

describe('grading worker', function () {
  this.timeout(60000);
  const tmp = useTempDirs();
  let hub: FakeHub;
  let worker: GradingWorker | undefined;

  beforeEach(async () => {
    hub = new FakeHub();
    await new Promise((r) => hub.wss.once('listening', r));
  });
  afterEach(async () => {
    await worker?.stop(0);
    worker = undefined;
    await hub.close();
  });

  const cSum = (): GradingSpec => loadSpec(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml'));
  const solution = (): Buffer => readFileSync(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'solution', 'sum.c'));
  const sleeper = (): GradingSpec => ({
    ...cSum(),
    language: 'python',
    sources: ['main.py'],
    groups: [{ name: 'g', scoring: 'sum', points: 1, tests: [{ ...cSum().groups[0]!.tests[0]!, limits: { timeMs: 30000, wallMs: 30000, memoryKb: 262144, processes: 1, outputKb: 64, fileSizeKb: 64 } }] }],
  });

  function startWorker(sandbox: Sandbox = new NoneSandbox(), concurrency = 1): GradingWorker {
    worker = new GradingWorker({
      hubUrl: hub.url,
      token: 'grader-secret',
      sandbox,
      concurrency,
      workerId: 'test-worker',
      leaseWaitMs: 200,
      reconnectMinMs: 50,
      buildCache: new BuildCache(path.join(tmp.dir(), 'cache')),
    });
    worker.start();
    return worker;
  }

  it('leases a job with its bearer token, heartbeats, reports the graded result, then leases the next', async () => {
    hub.jobs.push(job('one', cSum(), { 'sum.c': solution() }));
    hub.jobs.push(job('two', cSum(), { 'sum.c': 'int main(void){ return 0; }\n' }));
    // A third program runs until the test has seen the worker heartbeat for it: no race with the interval.
    const go = path.join(tmp.dir(), 'go');
    const waitForGo = `import os, time\nwhile not os.path.exists(${JSON.stringify(go)}): time.sleep(0.02)\n`;
    hub.jobs.push(job('three', sleeper(), { 'main.py': waitForGo }));
    startWorker();
    await hub.until(() => hub.reports.length === 2);
    await hub.until(() => hub.heartbeats.includes('three'));
    writeFileSync(go, '');
    await hub.until(() => hub.reports.length === 3);
    assert.deepEqual(hub.tokens, ['Bearer grader-secret']);
    const [one, two] = hub.reports;
    assert.equal(one!.jobId, 'one');
    assert.equal(one!.leaseId, 'lease-one');
    assert.equal(one!.outcome, 'graded');
    assert.equal(one!.result.score, 100);
    assert.equal(one!.result.tests.length, 6, 'hidden tests are graded too');
    assert.equal(two!.jobId, 'two');
    assert.equal(two!.result.score, 0);
    assert.equal(hub.reports[2]!.jobId, 'three', 'the worker heartbeats while grading, and reports once the program ends');
    assert.ok(hub.leaseRequests.every((w) => w === 'test-worker'));
  });

  it('reports a sandbox failure as a system error so the hub retries it', async () => {
    const broken: Sandbox = {
      name: 'local',
      isolating: true,
      description: 'broken',
      openBox: () => Promise.reject(new Error('bwrap: cannot create namespace')),
      dispose: async () => undefined,
    };
    hub.jobs.push(job('se', cSum(), { 'sum.c': solution() }));
    startWorker(broken);
    await hub.until(() => hub.reports.length === 1);
    const r = hub.reports[0]!;
    assert.equal(r.outcome, 'system-error');
    assert.equal(r.result.systemError, true);
    assert.match(r.result.compile.output, /cannot create namespace/);
  });

  it('stops grading a job whose lease was lost, without reporting it', async () => {
    hub.jobs.push(job('lost', sleeper(), { 'main.py': 'import time\ntime.sleep(30)\n' }));
    hub.lostLeases.add('lease-lost');
    const w = startWorker();
    while (w.counters.leasesLost === 0) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(hub.reports, []);
  });

  it('on stop, finishes a job that ends within the grace period and hands back one that does not', async () => {
    hub.jobs.push(job('quick', cSum(), { 'sum.c': solution() }));
    hub.jobs.push(job('slow', sleeper(), { 'main.py': 'import time\ntime.sleep(30)\n' }));
    const w = startWorker(new NoneSandbox(), 2);
    while (w.counters.leased < 2) await new Promise((r) => setTimeout(r, 20));
    await w.stop(3000);
    worker = undefined;
    assert.deepEqual(hub.reports.map((r) => [r.jobId, r.outcome]), [['quick', 'graded']]);
    assert.deepEqual(hub.handedBack, ['slow']);
  });

  it('redials after the hub drops the connection', async () => {
    const w = startWorker();
    while (w.counters.connections === 0) await new Promise((r) => setTimeout(r, 20));
    for (const c of hub.wss.clients) c.terminate();
    while (w.counters.connections < 2) await new Promise((r) => setTimeout(r, 20));
    hub.jobs.push(job('after', cSum(), { 'sum.c': solution() }));
    await hub.until(() => hub.reports.length === 1);
    assert.equal(hub.reports[0]!.result.score, 100);
  });

  it('classpod-grader: grades with the token from its file, and on SIGTERM hands back a job it cannot finish and exits 0', async () => {
    const dir = tmp.dir();
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'file-token\n');
    hub.jobs.push(job('cli-one', cSum(), { 'sum.c': solution() }));
    const child = spawn(
      process.execPath,
      [path.join(GRADER_ROOT, 'bin', 'classpod-grader'), '--hub', hub.url, '--token-file', tokenFile, '--sandbox', 'none', '--grace-ms', '500', '--cache-dir', path.join(dir, 'cache')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let logs = '';
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await hub.until(() => hub.reports.length === 1);
      assert.equal(hub.reports[0]!.result.score, 100);
      assert.deepEqual(hub.tokens, ['Bearer file-token']);
      hub.jobs.push(job('cli-slow', sleeper(), { 'main.py': 'import time\ntime.sleep(30)\n' }));
      while (!hub.heartbeats.includes('cli-slow')) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, logs);
      assert.deepEqual(hub.handedBack, ['cli-slow']);
      assert.match(logs, /"msg":"stopped"/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
