// A real hub on the host's loopback for the grader VM to dial: the
// `classpod-hub` program, served and administered as administrators do it
// (a course from a folder, students, a professor, tokens). Its JSON log
// lines are kept (the test reads leases and recorded results from them), and
// people talk to it over WebSocket with the protocol's own endpoint.

import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { RpcEndpoint } from '@classpod/protocol';
import { runHubCommand, startHubServing, tokenFrom } from '@classpod/test-support';

/** One JSON log line of the hub. */
export type HubLogLine = Record<string, unknown> & { msg?: string };

export class HostHub {
  private readonly endpoints: RpcEndpoint[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** Every log line so far (lines keep arriving). */
    readonly log: HubLogLine[],
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
    readonly dataDir: string,
  ) {}

  /** People's tokens by id. */
  readonly tokens: Record<string, string> = {};

  /** The port the hub listens on (the guest reaches it at 10.0.2.2:PORT). */
  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Serve an empty data folder on 127.0.0.1 with `serveArgs`; the log goes to `logFile` too. */
  static async start(dataDir: string, serveArgs: string[], logFile: string): Promise<HostHub> {
    mkdirSync(dataDir, { recursive: true });
    const log: HubLogLine[] = [];
    const file = createWriteStream(logFile);
    const { child, url } = await startHubServing(['--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--isolation', 'none', ...serveArgs], {
      env: { ...process.env, CLASSPOD_LOG_LEVEL: 'info' },
      dieWithTest: true,
      onSpawn: (spawned) => {
        spawned.once('exit', () => file.end());
        createInterface({ input: spawned.stderr! }).on('line', (line) => {
          file.write(line + '\n');
          try {
            log.push(JSON.parse(line) as HubLogLine);
          } catch {
            log.push({ msg: line });
          }
        });
      },
      exitDetail: () => JSON.stringify(log.slice(-5)),
    });
    return new HostHub(child, log, url, dataDir);
  }

  /** Run an administration command on the hub's data folder; resolves to its output. */
  admin(...args: string[]): string {
    return runHubCommand([...args, '--data', this.dataDir]);
  }

  /** A new grader token. */
  issueGraderToken(): string {
    return tokenFrom(this.admin('tokens', 'issue', '--grader', '--label', 'grader VM'));
  }

  /** Create course cs101 from `folder` with `students` and a professor `prof`, each with a token. */
  addCourse(folder: string, students: string[]): void {
    this.admin('course', 'create', '--from', folder);
    for (const id of students) {
      this.admin('people', 'add', '--id', id, '--name', id, '--course', 'cs101', '--role', 'student');
      this.tokens[id] = tokenFrom(this.admin('tokens', 'issue', '--person', id));
    }
    this.admin('people', 'add', '--id', 'prof', '--name', 'Prof', '--course', 'cs101', '--role', 'professor');
    this.tokens.prof = tokenFrom(this.admin('tokens', 'issue', '--person', 'prof'));
  }

  /** Put `files` (name → content) into a student's assignment folder, as their workspace has it. */
  writeWork(student: string, assignment: string, files: Record<string, string | Buffer>): void {
    const dir = path.join(this.dataDir, 'workspaces', 'cs101', student, assignment);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  }

  /** A connection as `person`, after the handshake. */
  async connect(person: string): Promise<RpcEndpoint> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/connect`, { headers: { authorization: `Bearer ${this.tokens[person]}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
    await endpoint.hello({ capabilities: [], client: { name: 'grader-vm-test', version: '0' } });
    this.endpoints.push(endpoint);
    return endpoint;
  }

  /** The value of a metric without labels on `/metrics`, or undefined. */
  async metric(name: string): Promise<number | undefined> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const m = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  }

  /** Log lines with this message. */
  lines(msg: string): HubLogLine[] {
    return this.log.filter((l) => l.msg === msg);
  }

  async stop(): Promise<void> {
    for (const e of this.endpoints.splice(0)) e.close(1000, 'test done');
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await gone;
  }
}
