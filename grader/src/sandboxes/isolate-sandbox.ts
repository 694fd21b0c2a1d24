// `isolate`: the official grader's sandbox. Drives the real isolate command
// line — `--init` a box from a pool of box ids, `--run` with limits and
// `--meta`, `--cleanup` — and reads the meta file by key. Uses control
// groups (`--cg` on every call for the box, `--cg-mem` for the memory limit:
// the group's OOM killer, swap off) where the machine delegates them, probed
// once with `--cg --init`; otherwise `--mem` (an address-space limit, not
// given to JVM and V8 programs), and results say so. Toolchains are reached
// through `--dir` rules; the box has no network (isolate's default).

import { spawn, spawnSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolateOutcome, parseIsolateMeta } from './isolate-meta';
import { systemErrorOutcome, type Box, type RunOutcome, type RunRequest, type Sandbox } from './sandbox';

/** Options of the isolate plugin; every one has a default. */
export interface IsolateSandboxOptions {
  /** The isolate command. */
  command?: string;
  /** First box id of the pool. */
  firstBoxId?: number;
  /** Box ids in the pool (at most isolate's configured `num_boxes`). */
  poolSize?: number;
  /** Use control groups: true, false, or probe (default). */
  cg?: boolean | 'probe';
  /** Extra read-only `--dir` rules (`/etc/alternatives`); missing host paths are skipped. */
  dirs?: readonly string[];
}

const DEFAULT_DIRS = ['/etc/alternatives', '/etc/java-17-openjdk', '/usr/local/bin'];
const STDIN = '.classpod-stdin';
const STDOUT = '.classpod-stdout';
const STDERR = '.classpod-stderr';
const PATHS = ['/usr/local/bin', '/usr/bin', '/bin'];

/** Why isolate cannot run here, or null when it can. */
export function isolateUnavailable(command = 'isolate'): string | null {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error) return `${command} is not installed (the isolate sandbox runs on grader VMs; use --sandbox local)`;
  return null;
}

/** Result of one isolate invocation. */
interface Invocation {
  code: number | null;
  stdout: string;
  stderr: string;
}

function invoke(command: string, args: string[], signal?: AbortSignal): Promise<Invocation> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-8192)));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The isolate plugin. */
export class IsolateSandbox implements Sandbox {
  readonly name = 'isolate' as const;
  readonly isolating = true;
  get description(): string {
    const groups = this.cg === true ? 'control groups (--cg)' : this.cg === false ? `no control groups: memory limited as address space${this.cgProblem ? ` (${this.cgProblem})` : ''}` : 'control groups probed on first use';
    return `isolate — the official grader sandbox, ${groups}`;
  }
  private readonly free: number[];
  private readonly waiting: ((id: number) => void)[] = [];
  private cg: boolean | 'probe';
  /** Why `--cg --init` failed when probed (isolate's own words), or null. */
  cgProblem: string | null = null;
  private readonly open = new Set<IsolateBox>();
  private readonly cleaned = new Set<number>();

  constructor(private readonly options: IsolateSandboxOptions = {}) {
    const first = options.firstBoxId ?? 0;
    this.free = Array.from({ length: options.poolSize ?? 16 }, (_, i) => first + i);
    this.cg = options.cg ?? 'probe';
  }

  get command(): string {
    return this.options.command ?? 'isolate';
  }

  /** Whether runs use control groups (after the first box was opened). */
  get usesCgroups(): boolean {
    return this.cg === true;
  }

  async openBox(): Promise<Box> {
    const id = this.free.shift() ?? (await new Promise<number>((r) => this.waiting.push(r)));
    const release = (): void => {
      const next = this.waiting.shift();
      if (next) next(id);
      else this.free.push(id);
    };
    try {
      // A box left over from a crashed grader is cleaned before its id is first used. isolate refuses to
      // touch a box initialised in the other control-group mode, so both modes are tried.
      if (!this.cleaned.has(id)) {
        await invoke(this.command, this.boxArgs(id, false, '--cleanup'));
        await invoke(this.command, this.boxArgs(id, true, '--cleanup'));
        this.cleaned.add(id);
      }
      let init = this.cg !== false ? await invoke(this.command, this.boxArgs(id, true, '--init')) : null;
      if (this.cg === 'probe') {
        this.cg = init?.code === 0;
        if (!this.cg) {
          this.cgProblem = init?.stderr.trim().split('\n').pop() || `exit ${init?.code}`;
          init = null;
        }
      }
      init ??= await invoke(this.command, this.boxArgs(id, false, '--init'));
      if (init.code !== 0) throw new Error(`isolate --init failed: ${init.stderr.trim() || `exit ${init.code}`}`);
      const root = init.stdout.trim().split('\n').pop()!;
      const box = new IsolateBox(this, id, path.join(root, 'box'), this.cg === true, () => {
        this.open.delete(box);
        release();
      });
      this.open.add(box);
      return box;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** `--box-id=N [--cg] ACTION`. */
  boxArgs(id: number, cg: boolean, action: string): string[] {
    return [`--box-id=${id}`, ...(cg ? ['--cg'] : []), action];
  }

  /** The `--dir` rules for toolchains. */
  dirRules(): string[] {
    return (this.options.dirs ?? DEFAULT_DIRS).filter((d) => existsSync(d)).map((d) => `--dir=${d}`);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.open].map((b) => b.dispose()));
  }
}

/** isolate looks programs up by path, not on PATH: resolve names the way the box sees them. */
export function resolveProgram(program: string): string {
  if (program.includes('/')) return program;
  for (const dir of PATHS) if (existsSync(path.join(dir, program))) return path.join(dir, program);
  return program;
}

/** The `--run` arguments for a request. */
export function isolateRunArgs(id: number, cg: boolean, metaFile: string, req: RunRequest, dirRules: string[]): string[] {
  const l = req.limits;
  const memory = cg ? [`--cg-mem=${l.memoryKb}`] : req.addressSpaceLimit ? [`--mem=${l.memoryKb}`] : [];
  const env = Object.entries({ PATH: PATHS.join(':'), HOME: '/box', LANG: 'C.UTF-8', ...req.env }).map(([k, v]) => `--env=${k}=${v}`);
  return [
    `--box-id=${id}`,
    ...(cg ? ['--cg'] : []),
    `--meta=${metaFile}`,
    `--time=${l.timeMs / 1000}`,
    `--wall-time=${l.wallMs / 1000}`,
    '--extra-time=0.2',
    ...memory,
    `--stack=${Math.min(Math.floor(l.memoryKb / 2), 64 * 1024)}`,
    `--processes=${l.processes}`,
    `--fsize=${Math.max(l.fileSizeKb, l.outputKb)}`,
    `--stdin=${STDIN}`,
    `--stdout=${STDOUT}`,
    `--stderr=${STDERR}`,
    ...env,
    ...dirRules,
    '--run',
    '--',
    resolveProgram(req.argv[0]!),
    ...req.argv.slice(1),
  ];
}

class IsolateBox implements Box {
  private disposed = false;
  /** The box's group keeps its OOM-kill count across runs: once set, a later run's `cg-oom-killed` says nothing by itself. */
  private oomSeen = false;

  constructor(
    private readonly sandbox: IsolateSandbox,
    private readonly id: number,
    readonly dir: string,
    private readonly cg: boolean,
    private readonly release: () => void,
  ) {}

  async run(req: RunRequest): Promise<RunOutcome> {
    const metaDir = await mkdtemp(path.join(os.tmpdir(), 'classpod-isolate-meta-'));
    const metaFile = path.join(metaDir, 'meta');
    try {
      await writeFile(path.join(this.dir, STDIN), req.stdin);
      const args = isolateRunArgs(this.id, this.cg, metaFile, req, this.sandbox.dirRules());
      const result = await invoke(this.sandbox.command, args, req.signal);
      const meta = await readFile(metaFile, 'utf8').then(parseIsolateMeta, () => null);
      if (meta?.oomKilled) {
        if (this.oomSeen && meta.exitSignal !== 9) meta.oomKilled = false;
        this.oomSeen = true;
      }
      const cap = req.limits.outputKb * 1024;
      const stdout = await readCapped(path.join(this.dir, STDOUT), cap + 1);
      const stderr = await readCapped(path.join(this.dir, STDERR), 64 * 1024);
      const memoryLimit = this.cg ? 'cgroup' : req.addressSpaceLimit ? 'address-space' : 'none';
      const outcome = isolateOutcome(meta, result.code, stdout, stderr, result.stderr, { memoryLimit });
      if (!outcome.systemError && !outcome.limitHit && stdout.length > cap) outcome.limitHit = 'output';
      return outcome;
    } catch (err) {
      return systemErrorOutcome(`isolate: ${(err as Error).message}`);
    } finally {
      await rm(metaDir, { recursive: true, force: true });
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await invoke(this.sandbox.command, this.sandbox.boxArgs(this.id, this.cg, '--cleanup'));
    this.release();
  }
}

/** Read at most `max` bytes of a file the program wrote (it may be huge, missing, or a link planted to leak a file). */
async function readCapped(file: string, max: number): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return Buffer.alloc(0);
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await handle.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
