#!/usr/bin/env node
// Agent memory benchmark: what one workspace agent costs, idle and after a
// workload, beside a bare Node process (`setInterval`) measured in the same
// run. Agents are started by the local workspace provider exactly as the hub
// starts them (same Node options, same sandbox). For each process tree it
// prints RSS, PSS (shared pages divided among the processes that map them)
// and private memory, from /proc/PID/smaps_rollup.
//
// What "≤ 30 MiB per agent" means here: the memory a workspace adds to the
// machine. The Node binary's code and read-only data (about 30-35 MiB of every
// Node process's RSS) are mapped from one file and paid once per machine
// however many agents run; what each agent adds is its private memory (and
// its PSS, which tends to it as agents multiply). RSS counts the shared pages
// in every process, so it cannot reach 30 MiB with Node: a bare Node process
// already has about 40 MiB of RSS. Both figures are printed, with the verdict.
//
// The workload, per agent, through one connection: 16 MiB of terminal output,
// a sync scan and fetch of a 300-file folder (about 3 MiB), an 8 MiB file read
// on a stream. Then the client leaves and the agent gets a quiet time to settle.
//
//   node bench/memory/run.mjs        (after `npm run build`)
//   BENCH_MEMORY_AGENTS=3 BENCH_MEMORY_ISOLATION=none|auto|bubblewrap BENCH_MEMORY_SETTLE_MS=20000

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mib, MiB, processesNaming, processMemory, processTable, sumMemory, withDescendants } from '../lib/process-memory.mjs';

const require = createRequire(import.meta.url);
const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { createLogger } = require('@classpod/observability');
const { agentCommandPath } = require('@classpod/agent');
const { RpcEndpoint, TerminalOpenRequest, TerminalCloseRequest, FileReadStreamRequest } = require('@classpod/protocol');
const { RemoteReplica, DEFAULT_IGNORE_PATTERNS } = require('@classpod/sync');
const { WebSocket } = require('ws');
const { LocalWorkspaceProvider } = require(path.join(repo, 'hub', 'dist', 'src', 'workspaces', 'local', 'local-provider.js'));

const AGENTS = Number(process.env.BENCH_MEMORY_AGENTS ?? 3);
const ISOLATION = process.env.BENCH_MEMORY_ISOLATION ?? 'none';
const SETTLE_MS = Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 20_000);
const TARGET_MIB = 30;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A client connection to a running agent (its endpoint from the provider). */
async function connect(agent) {
  const ws = new WebSocket(agent.url, { headers: { authorization: `Bearer ${agent.token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const endpoint = new RpcEndpoint(ws, { role: 'client', name: 'bench' });
  await endpoint.hello({ capabilities: ['files', 'terminals', 'sync'], client: { name: 'classpod-bench', version: '0' } });
  return { ws, endpoint };
}

/** Drain a binary stream; resolves to its byte count. */
function drain(stream) {
  return new Promise((resolve) => {
    let bytes = 0;
    stream.onData((d) => (bytes += d.byteLength));
    stream.onEnd(() => resolve(bytes));
  });
}

async function workload(agent) {
  const { ws, endpoint } = await connect(agent);
  try {
    const term = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', `head -c ${16 * MiB} /dev/zero | tr '\\0' x`], cols: 80, rows: 24 });
    const out = await drain(endpoint.openStream(term.streamId));
    // The pty may drop its last few bytes when the program exits (node-pty); what matters here is the volume.
    if (out < 15 * MiB) throw new Error(`the terminal gave ${out} bytes, not about ${16 * MiB}`);
    await endpoint.request(TerminalCloseRequest.type, { terminalId: term.terminalId }).catch(() => undefined);
    const replica = await RemoteReplica.open(endpoint, 'work');
    const { manifest } = await replica.scan([...DEFAULT_IGNORE_PATTERNS]);
    const files = [...manifest].filter(([, e]) => e.kind === 'file').map(([p, e]) => ({ path: p, hash: e.hash }));
    const got = await replica.get(files);
    if (got.filter((g) => g.data).length !== files.length) throw new Error('sync/get left files out');
    const read = await endpoint.request(FileReadStreamRequest.type, { path: 'big.bin' });
    if ((await drain(endpoint.openStream(read.streamId))) !== 8 * MiB) throw new Error('the file read was short');
  } finally {
    ws.close();
  }
}

/** A bare Node process, the baseline. */
function startBare() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return child;
}

/** After the agent's quiet time (5 s) and a margin, poll until the figures of `read()` stop falling (two readings 2 s apart within 0.25 MiB) or `ms` passed. */
async function settled(read, ms) {
  const until = Date.now() + ms;
  await sleep(8000);
  let last = read();
  for (;;) {
    await sleep(2000);
    const now = read();
    if (Math.abs(now.private - last.private) < MiB / 4 || Date.now() > until) return now;
    last = now;
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-memory-'));
const provider = new LocalWorkspaceProvider({
  dataDir,
  logger: createLogger({ name: 'bench', level: 'silent' }),
  agentScript: agentCommandPath(),
  isolation: ISOLATION,
  idleCheckMs: 3_600_000,
});
let bare;
let failed = false;
try {
  await provider.start();
  bare = startBare();
  const keys = Array.from({ length: AGENTS }, (_, i) => ({ courseId: 'bench', studentId: `s${i}` }));
  const endpoints = [];
  for (const key of keys) {
    const dir = provider.workspaceDir(key);
    mkdirSync(path.join(dir, 'work', 'src'), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(path.join(dir, 'work', 'src', `file-${i}.c`), `/* ${key.studentId} ${i} */\n`.repeat(400));
    writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(8 * MiB, 7));
    endpoints.push(await provider.ensureRunning(key));
  }
  const treeOf = (key) => processesNaming(provider.workspaceDir(key));
  const readAll = () => {
    const table = processTable();
    const agents = keys.map((k) => sumMemory(processesNaming(provider.workspaceDir(k), table)));
    const sum = agents.reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss, private: a.private + m.private }), { rss: 0, pss: 0, private: 0 });
    return { agents, rss: sum.rss / AGENTS, pss: sum.pss / AGENTS, private: sum.private / AGENTS, bare: processMemory(bare.pid) };
  };
  const idle = await settled(readAll, SETTLE_MS);
  for (const e of endpoints) await workload(e);
  const after = await settled(readAll, SETTLE_MS);
  if (keys.some((k) => treeOf(k).length === 0)) throw new Error('an agent is gone');

  const row = (label, m, b) =>
    `  ${label.padEnd(22)} RSS ${mib(m.rss).padStart(6)} MiB   PSS ${mib(m.pss).padStart(6)} MiB   private ${mib(m.private).padStart(6)} MiB` +
    (b ? `   (ratio to bare node: RSS ${(m.rss / b.rss).toFixed(2)}x, PSS ${(m.pss / b.pss).toFixed(2)}x, private ${(m.private / b.private).toFixed(2)}x)` : '');
  const meets = (m) => m.private <= TARGET_MIB * MiB;
  console.log(`agent memory: ${AGENTS} agents (isolation ${provider.isolation}), each a whole process tree, beside a bare node process in the same run`);
  console.log(row('bare node (baseline)', idle.bare));
  console.log(row('agent idle (mean)', idle, idle.bare));
  console.log(row('agent after workload', after, after.bare));
  for (const [i, m] of after.agents.entries()) console.log(row(`  agent ${i} after`, m));
  console.log(`  target: ≤ ${TARGET_MIB} MiB per workspace, counted as private memory (what each workspace adds; the Node binary's shared pages are paid once per machine)`);
  console.log(`    idle: ${meets(idle) ? 'met' : 'NOT met'} (${mib(idle.private)} MiB private, ${mib(idle.pss)} MiB PSS); after the workload: ${meets(after) ? 'met' : 'NOT met'} (${mib(after.private)} MiB private, ${mib(after.pss)} MiB PSS)`);
  console.log(`    RSS: ${mib(idle.rss)} MiB idle, ${mib(after.rss)} MiB after; RSS ≤ ${TARGET_MIB} MiB is NOT reachable with Node (a bare node process has ${mib(idle.bare.rss)} MiB of RSS)`);
  const outDir = path.join(repo, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'memory.json'), JSON.stringify({ at: new Date().toISOString(), agents: AGENTS, isolation: provider.isolation, idle, after }, null, 2) + '\n');
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  bare?.kill('SIGKILL');
  await provider.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  await sleep(200);
  const left = withDescendants(processTable().filter((p) => p.cmdline.includes(dataDir)).map((p) => p.pid));
  if (left.length > 0) {
    failed = true;
    console.error(`processes left behind: ${left.join(', ')}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
}
