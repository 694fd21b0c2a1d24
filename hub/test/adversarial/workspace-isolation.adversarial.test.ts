// From a student's side, against a real hub with the local provider and
// bubblewrap: alice works in her own workspace through the hub's gateway and
// tries, from her terminal, to reach bob's agent, bob's files and any agent
// token (hers included); she replaces her assignment folder with links out of
// it and submits; she plants links where the hub writes `.classpod/` files;
// many clients open one workspace at once. Every attempt fails, and the disk
// and the process table are checked afterwards.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileWriteRequest,
  ProtocolError,
  SubmitRequest,
  TerminalExitedNotification,
  TerminalOpenRequest,
  type Static,
} from '@classpod/protocol';
import { bubblewrapWorks } from '../../src/workspaces/local/agent-sandbox';
import type { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';
import { ManualClock } from '../../src/time/clock';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';
import { skipWithoutTool } from '@classpod/test-support';

/** What alice's terminal runs: every way out it can think of, results written to /workspace/probe-result.json. */
const PROBE = String.raw`
const fs = require('fs');
const net = require('net');
const cp = require('child_process');
const input = JSON.parse(process.argv[2]);
const out = { self: {}, agentPids: [], agent: {}, tcp: {}, unix: {}, files: {}, runs: [], ptrace: {}, ownTcpListeners: [] };
const runs = new Set();
const RUN = /[A-Za-z0-9_-]{43,}/g;
const scan = (buf) => { for (const m of buf.toString('latin1').match(RUN) || []) if (runs.size < 200000) runs.add(m); };
const code = (fn) => { try { return fn(); } catch (e) { return 'error:' + e.code; } };
const step = (what) => process.stdout.write('probe: ' + what + '\r\n');
const tryConnect = (opts) => new Promise((resolve) => {
  const s = net.connect(opts);
  const done = (r) => { s.destroy(); resolve(r); };
  s.once('connect', () => done('connected'));
  s.once('error', (e) => done('error:' + e.code));
  setTimeout(() => done('timeout'), 3000);
});
function walk(dir, depth) {
  if (depth > 6) return;
  let entries;
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = dir + '/' + e.name;
    if (p === '/workspace/probe.js' || p === '/workspace/probe-result.json') continue;
    if (e.isDirectory()) walk(p, depth + 1);
    else if (e.isSocket()) out.unix[p] = null;
    else if (e.isFile()) { const r = code(() => fs.readFileSync(p)); if (Buffer.isBuffer(r)) scan(r); }
  }
}
function readMemory(pid) {
  const maps = code(() => fs.readFileSync('/proc/' + pid + '/maps', 'utf8'));
  if (typeof maps !== 'string' || maps.startsWith('error:')) return maps;
  const fd = code(() => fs.openSync('/proc/' + pid + '/mem', 'r'));
  if (typeof fd !== 'number') return fd;
  let bytes = 0;
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1], 16), end = parseInt(m[2], 16);
    if (end - start > 64 * 1024 * 1024) continue;
    const buf = Buffer.alloc(end - start);
    try { fs.readSync(fd, buf, 0, buf.length, start); scan(buf); bytes += buf.length; } catch {}
  }
  fs.closeSync(fd);
  return 'read ' + bytes;
}
(async () => {
  out.self.environ = code(() => fs.readFileSync('/proc/self/environ', 'utf8').includes(input.mark));
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    step('process ' + pid);
    const cmdline = code(() => fs.readFileSync('/proc/' + pid + '/cmdline'));
    if (Buffer.isBuffer(cmdline)) scan(cmdline);
    const environ = code(() => fs.readFileSync('/proc/' + pid + '/environ'));
    if (Buffer.isBuffer(environ)) scan(environ);
    const isAgent = Buffer.isBuffer(cmdline) && cmdline.toString().includes('cli/agent.js') && !cmdline.toString().startsWith('bwrap');
    const mem = readMemory(pid);
    if (isAgent) {
      out.agentPids.push(pid);
      out.agent[pid] = {
        environ: Buffer.isBuffer(environ) ? 'readable' : environ,
        mem,
        maps: code(() => fs.readFileSync('/proc/' + pid + '/maps', 'utf8').length),
        fd: code(() => fs.readdirSync('/proc/' + pid + '/fd').map((f) => fs.readlinkSync('/proc/' + pid + '/fd/' + f))),
        fd0: code(() => fs.readFileSync('/proc/' + pid + '/fd/0').length),
        root: code(() => fs.readdirSync('/proc/' + pid + '/root/')),
      };
      out.ptrace[pid] = code(() => cp.execFileSync('python3', ['-c',
        'import ctypes,os,sys\nlibc=ctypes.CDLL(None,use_errno=True)\nr=libc.ptrace(0x4206,int(sys.argv[1]),0,0)\nprint("attached" if r==0 else os.strerror(ctypes.get_errno()))',
        pid], { encoding: 'utf8' }).trim());
    }
  }
  step('files');
  for (const f of ['/proc/1/fd/0']) out.files[f] = code(() => fs.readFileSync(f).length);
  walk('/run', 0); walk('/tmp', 0); walk('/workspace', 0); walk('/opt', 0);
  step('network');
  for (const p of input.paths) out.files[p] = code(() => { const r = fs.readFileSync(p); scan(r); return 'read ' + r.length; });
  for (const d of input.dirs) out.files[d] = code(() => fs.readdirSync(d).join(','));
  for (const f of ['tcp', 'tcp6']) {
    const t = code(() => fs.readFileSync('/proc/net/' + f, 'utf8'));
    if (typeof t === 'string' && !t.startsWith('error:')) for (const l of t.split('\n').slice(1)) {
      const c = l.trim().split(/\s+/);
      if (c[3] === '0A') out.ownTcpListeners.push(parseInt(c[1].split(':')[1], 16));
    }
  }
  for (const port of [...new Set([...input.ports, ...out.ownTcpListeners])]) {
    out.tcp['127.0.0.1:' + port] = await tryConnect({ host: '127.0.0.1', port });
    out.tcp['[::1]:' + port] = await tryConnect({ host: '::1', port });
  }
  for (const s of [...input.sockets, '/run/classpod/agent.sock', ...Object.keys(out.unix)]) out.unix[s] = await tryConnect({ path: s });
  out.runs = [...runs];
  fs.writeFileSync('/workspace/probe-result.json', JSON.stringify(out));
  process.stdout.write('PROBE-DONE\r\n');
})();
`;

interface ProbeResult {
  self: { environ: boolean | string };
  agentPids: string[];
  agent: Record<string, { environ: string; mem: string; maps: string | number; fd: string | string[]; fd0: string | number; root: string | string[] }>;
  tcp: Record<string, string>;
  unix: Record<string, string>;
  files: Record<string, string | number>;
  runs: string[];
  ptrace: Record<string, string>;
  ownTcpListeners: number[];
}

function requireBubblewrap(ctx: Mocha.Context): void {
  if (bubblewrapWorks()) return;
  skipWithoutTool(ctx, 'bubblewrap (apt package bubblewrap) is not installed or cannot create namespaces here');
}

/** Ports listening on TCP on this host (the hub's among them). */
function hostTcpListeners(): number[] {
  const ports = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const l of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const c = l.trim().split(/\s+/);
      if (c[3] === '0A') ports.add(parseInt(c[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports];
}

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Checksum and mode of a file, to compare before and after. */
const fingerprint = (p: string): string => `${sha(p)} ${(lstatSync(p).mode & 0o7777).toString(8)}`;

/** Every path under a folder (for checking the disk). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Run a program in a terminal of the workspace `client` is connected to; resolves with its output once it exits. */
async function runInTerminal(client: TestClient, shell: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const opened = await client.request(TerminalOpenRequest.type, { shell, args, env, cols: 200, rows: 50 });
  const chunks: Buffer[] = [];
  const stream = client.endpoint.openStream(opened.streamId);
  stream.onData((c) => chunks.push(Buffer.from(c)));
  const exited = new Promise<Static<typeof TerminalExitedNotification.type.params>>((resolve) => {
    client.endpoint.onNotification(TerminalExitedNotification.type, (p) => {
      if (p.terminalId === opened.terminalId) resolve(p);
    });
  });
  const deadline = Date.now() + 120_000;
  const ended = new Promise<void>((resolve) => stream.onEnd(() => resolve()));
  await Promise.race([exited, ended, new Promise((_, reject) => setTimeout(() => reject(new Error(`${shell} did not end: ${Buffer.concat(chunks).toString()}`)), deadline - Date.now()))]);
  return Buffer.concat(chunks).toString();
}

describe('workspace isolation (adversarial, local provider with bubblewrap)', function () {
  this.timeout(300_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  let outsideDir: string;
  const outside = (name: string): string => join(outsideDir, name);
  const before = new Map<string, string>();

  beforeEach(async function () {
    requireBubblewrap(this);
    outsideDir = mkdtempSync(join(tmpdir(), 'classpod-outside-'));
    writeFileSync(outside('victim.txt'), 'not yours\n');
    chmodSync(outside('victim.txt'), 0o600);
    clock = new ManualClock(new Date());
    t = await startTestHub({ isolation: 'bubblewrap', clock });
  });
  afterEach(async () => {
    const dataDir = t?.dataDir;
    await t?.close();
    t = undefined;
    if (dataDir) {
      // The process table: nothing of this hub's workspaces is left running.
      const left = readdirSync('/proc')
        .filter((n) => /^\d+$/.test(n))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
          } catch {
            return false;
          }
        });
      assert.deepEqual(left, [], 'no sandbox or agent process outlives the hub');
    }
    if (outsideDir) rmSync(outsideDir, { recursive: true, force: true });
    before.clear();
  });

  const provider = (): LocalWorkspaceProvider => t!.hub.provider as LocalWorkspaceProvider;
  const key = (studentId: string): { courseId: string; studentId: string } => ({ courseId: 'cs101', studentId });
  const gateway = (who: string): Promise<TestClient> => t!.connect(who, `/v1/workspaces/cs101--${who}/connect`);
  const write = (c: TestClient, path: string, text: string): Promise<unknown> =>
    c.request(FileWriteRequest.type, { path, contentBase64: Buffer.from(text).toString('base64'), createParents: true });

  it("from her terminal, alice reaches neither bob's agent nor his files nor any agent token", async () => {
    const bob = await gateway('bob');
    const bobSecret = `bob's work ${Math.random()}`;
    await write(bob, 'c-sum/secret.c', bobSecret);
    const alice = await gateway('alice');
    const aliceAgent = await provider().ensureRunning(key('alice'));
    const bobAgent = await provider().ensureRunning(key('bob'));
    assert.ok(aliceAgent.socketPath && bobAgent.socketPath, 'agents are reached through unix sockets');
    const canary = 'C'.repeat(10) + createHash('sha256').update('canary').digest('base64url');
    await write(alice, 'canary.txt', canary);
    await write(alice, 'probe.js', PROBE);
    const bobDir = provider().workspaceDir(key('bob'));
    const input = {
      mark: 'probe-mark-7d1f',
      ports: hostTcpListeners(),
      sockets: [aliceAgent.socketPath!, bobAgent.socketPath!],
      paths: [join(bobDir, 'c-sum/secret.c'), join(t!.dataDir, 'hub.sqlite'), aliceAgent.socketPath!],
      dirs: [bobDir, t!.dataDir, join(t!.dataDir, 'run'), join(t!.dataDir, 'run/sockets'), '/run/classpod'],
    };
    assert.ok(input.ports.includes(t!.hub.port), "the probe also tries the hub's own port");
    const output = await runInTerminal(alice, '/usr/bin/node', ['/workspace/probe.js', JSON.stringify(input)], { PROBE_MARK: input.mark });
    assert.match(output, /PROBE-DONE/, output);
    const r = JSON.parse(readFileSync(join(provider().workspaceDir(key('alice')), 'probe-result.json'), 'utf8')) as ProbeResult;

    // The probe works: it reads what it may read.
    assert.equal(r.self.environ, true, 'the probe reads its own environment');
    assert.ok(r.runs.some((x) => x.includes(canary)), 'the probe finds a token-like string in a file it can read');
    assert.equal(r.agentPids.length, 1, `the probe sees its own agent (and no other): ${JSON.stringify(r.agentPids)}`);

    // Its own agent: nothing of its memory, environment or descriptors, and no ptrace.
    for (const [pid, a] of Object.entries(r.agent)) {
      assert.equal(a.environ, 'error:EACCES', `environ of agent ${pid}`);
      assert.equal(a.mem, 'error:EACCES', `mem of agent ${pid}`);
      assert.equal(a.maps, 'error:EACCES', `maps of agent ${pid}`);
      assert.equal(a.fd0, 'error:EACCES', `fd/0 of agent ${pid}`);
      assert.ok(typeof a.fd === 'string' && a.fd.startsWith('error:'), `fd of agent ${pid}: ${JSON.stringify(a.fd)}`);
      assert.ok(typeof a.root === 'string' && a.root.startsWith('error:'), `root of agent ${pid}`);
      assert.equal(r.ptrace[pid], 'Operation not permitted', `ptrace of agent ${pid}`);
    }
    // No network: no TCP port of the host answers (the hub's included), and nothing listens inside.
    assert.deepEqual(r.ownTcpListeners, []);
    for (const [target, result] of Object.entries(r.tcp)) assert.notEqual(result, 'connected', `TCP ${target}`);
    // No agent socket: neither the hub's (bob's or hers) nor the one the agent made.
    for (const [target, result] of Object.entries(r.unix)) assert.notEqual(result, 'connected', `unix socket ${target}`);
    assert.equal(r.unix[bobAgent.socketPath!], 'error:ENOENT');
    // No file of bob's, nothing of the data folder.
    for (const p of input.paths) assert.equal(r.files[p], 'error:ENOENT', p);
    for (const d of input.dirs) assert.ok(String(r.files[d]).startsWith('error:') || r.files[d] === '', `${d}: ${r.files[d]}`);
    // No token anywhere it could read: files, every /proc/*/{cmdline,environ,mem} it may open.
    for (const token of [aliceAgent.token, bobAgent.token]) assert.ok(!r.runs.some((x) => x.includes(token)), 'an agent token was readable from the shell');
    assert.ok(!JSON.stringify(r).includes(bobSecret), "bob's file content reached alice");
    // Bob's agent still serves bob, and his file is his.
    assert.equal(readFileSync(join(bobDir, 'c-sum/secret.c'), 'utf8'), bobSecret);
  });

  it("a submitted link out of the assignment folder gives back nothing of bob's nor of the data folder, now or at the deadline", async () => {
    const bob = await gateway('bob');
    const bobSecret = `bob's sum ${Math.random()}`;
    await write(bob, 'c-sum/sum.c', bobSecret);
    const alice = await gateway('alice');
    const api = await t!.connect('alice');
    const bobDir = provider().workspaceDir(key('bob'));
    const targets = [bobDir, join(bobDir, 'c-sum'), t!.dataDir, '/', '..', '/proc/1/root', '/run/classpod', '/workspace/..'];
    const forbidden = [bobSecret, readFileSync(join(t!.dataDir, 'hub.sqlite')).subarray(0, 16).toString('latin1')];
    const check = async (submissionHash: string, why: string): Promise<void> => {
      const manifest = await t!.hub.blobs.manifest(submissionHash);
      for (const f of manifest) {
        const content = (await t!.hub.blobs.get(f.sha256)).toString('latin1');
        for (const x of forbidden) assert.ok(!content.includes(x), `${why}: ${f.path} holds what is not alice's`);
        assert.ok(!/hub\.sqlite|blobs|secret/.test(f.path), `${why}: ${f.path}`);
      }
    };
    for (const target of targets) {
      await runInTerminal(alice, '/bin/sh', ['-c', `rm -rf /workspace/c-sum && ln -s '${target}' /workspace/c-sum`]);
      assert.ok(lstatSync(join(provider().workspaceDir(key('alice')), 'c-sum')).isSymbolicLink());
      const submitted = await api.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }).then(
        (r) => r.submission,
        (err: unknown) => {
          assert.ok(err instanceof ProtocolError, String(err));
          assert.ok(!err.message.includes(t!.dataDir) && !err.message.includes(tmpdir() + '/'), `the refusal names no host path: ${err.message}`);
          return undefined;
        },
      );
      if (submitted) await check(submitted.snapshotHash, `link to ${target}`);
    }
    // The deadline collects what is there: alice's link, once more.
    const a = (await t!.hub.store.assignments.get('cs101', 'c-sum'))!;
    clock.set(Date.parse(a.dueAt!) + 1000);
    // Only alice: bob has not submitted either, and would be collected as he should.
    await t!.hub.deadlines.collectDue();
    const collected = await t!.hub.store.deadlines.collection('cs101', 'c-sum', 'alice');
    assert.ok(collected, 'the deadline processed alice');
    if (collected.submissionId) {
      const s = (await t!.hub.store.submissions.get(collected.submissionId))!;
      await check(s.snapshotHash, 'collected at the deadline');
    }
    // Bob's files are as he left them.
    assert.equal(readFileSync(join(bobDir, 'c-sum/sum.c'), 'utf8'), bobSecret);
  });

  it('links planted where the hub writes `.classpod/` files leave every outside file as it was', async () => {
    const alice = await gateway('alice');
    const aliceDir = provider().workspaceDir(key('alice'));
    const runDir = join(t!.dataDir, 'run/workspaces/cs101--alice');
    // An outside file the sandbox can see (its own socket folder, in the hub's data folder) and one it cannot.
    writeFileSync(join(runDir, 'victim.txt'), 'hub data\n');
    chmodSync(join(runDir, 'victim.txt'), 0o600);
    const victims = [outside('victim.txt'), join(runDir, 'victim.txt'), join(t!.dataDir, 'hub.sqlite')];
    for (const v of victims) before.set(v, fingerprint(v));
    const names = [
      '.classpod/course.json.classpod-tmp',
      '.classpod/course.json',
      '.classpod/.course.json.classpod-tmp-000000000000',
      'c-sum/.classpod/assignment.json',
      'c-sum/.classpod/assignment.json.classpod-tmp',
      'c-sum/.classpod/README.md',
    ];
    const targets = [outside('victim.txt'), '/run/classpod/victim.txt', join(t!.dataDir, 'hub.sqlite')];
    const script = names.map((n, i) => `rm -rf '/workspace/${n}' && ln -s '${targets[i % targets.length]}' '/workspace/${n}'`).join(' && ');
    await runInTerminal(alice, '/bin/sh', ['-c', script]);
    for (const n of names) assert.ok(lstatSync(join(aliceDir, n)).isSymbolicLink(), n);
    alice.close();
    // She reconnects: the hub writes her layout again.
    const again = await gateway('alice');
    await runInTerminal(again, '/bin/true', []);
    for (const v of victims) assert.equal(fingerprint(v), before.get(v), `${v} was changed`);
    const course = JSON.parse(readFileSync(join(aliceDir, '.classpod/course.json'), 'utf8')) as { courseId: string };
    assert.equal(course.courseId, 'cs101', 'her own course.json is written');
    assert.ok(!lstatSync(join(aliceDir, '.classpod/course.json')).isSymbolicLink());
    // No temporary file left behind anywhere in the data folder.
    assert.deepEqual(tree(t!.dataDir).filter((p) => /classpod-tmp|\.node\.[0-9a-f]{12}$/.test(p) && lstatSync(p).isFile()), []);
  });

  it('many clients opening one workspace at once all get it, and no close reason names a host path', async () => {
    const reasons: string[] = [];
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, async () => {
        const c = await gateway('carol');
        c.ws.on('close', (_code, reason) => reasons.push(reason.toString()));
        return c;
      }),
    );
    for (const a of attempts) if (a.status === 'rejected') reasons.push(String(a.reason));
    assert.deepEqual(attempts.map((a) => a.status), Array(8).fill('fulfilled'), reasons.join('\n'));
    for (const a of attempts) if (a.status === 'fulfilled') a.value.close();
    for (const r of reasons) assert.ok(!r.includes(t!.dataDir) && !r.includes(tmpdir() + '/'), `close reason names a host path: ${r}`);
    const carolDir = provider().workspaceDir(key('carol'));
    assert.ok(statSync(join(carolDir, '.classpod/course.json')).isFile());
    assert.deepEqual(tree(carolDir).filter((p) => p.includes('classpod-tmp')), [], 'no temporary file left behind');
  });
});
