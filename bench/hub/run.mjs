#!/usr/bin/env node
// Hub benchmark, about 30 seconds:
//  1. resident memory of a hub (`classpod-hub serve` in its own process) idle,
//     then holding 1,000 concurrent idle client connections (each did the
//     handshake) — printed per connection and as a ratio to the idle hub;
//  2. the latency the gateway adds: `session/ping` round trips to one workspace
//     agent through the hub's `/v1/workspaces/<id>/connect`, beside the same
//     pings on a direct connection to that agent in the same run (interleaved).
//
//   node bench/hub/run.mjs        (after `npm run build`)

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const { RpcEndpoint, PingRequest } = require('@classpod/protocol');
const { createLogger } = require('@classpod/observability');
const { WebSocket } = require('ws');
const hubPkg = require('@classpod/hub');
const { agentCommandPath } = require('@classpod/agent');
const setup = require(path.join(repo, 'hub', 'dist', 'src', 'admin', 'course-setup.js'));
const CLI = path.join(repo, 'hub', 'dist', 'src', 'cli', 'classpod-hub.js');

const CONNECTIONS = Number(process.env.BENCH_HUB_CONNECTIONS ?? 1000);
const PINGS = Number(process.env.BENCH_HUB_PINGS ?? 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
};
const f = (n) => n.toFixed(n < 10 ? 3 : 1);

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`classpod-hub ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function connect(url, token) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
  await endpoint.hello({ capabilities: [], client: { name: 'bench', version: '0' } });
  return { ws, endpoint };
}

/** 1. Hub memory with 1,000 idle connections. */
async function memory(dataDir) {
  cli(['course', 'create', '--data', dataDir, '--id', 'bench', '--title', 'Bench']);
  cli(['people', 'add', '--data', dataDir, '--id', 'sam', '--name', 'Sam', '--course', 'bench', '--role', 'student']);
  const token = /(cp_\S+)/.exec(cli(['tokens', 'issue', '--data', dataDir, '--person', 'sam']))[1];
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CLASSPOD_LOG_LEVEL: 'error' } });
  try {
    const url = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (l) => {
        const m = /^listening on (\S+)$/.exec(l);
        if (m) resolve(m[1]);
      });
      child.once('exit', (c) => reject(new Error(`hub exited ${c}`)));
    });
    const wsUrl = url.replace(/^http/, 'ws') + '/v1/connect';
    // Warm up (code paths loaded), then measure idle.
    const warm = await connect(wsUrl, token);
    warm.ws.terminate();
    await sleep(1500);
    const idle = rssMiB(child.pid);
    const clients = [];
    const t0 = now();
    for (let i = 0; i < CONNECTIONS; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(50, CONNECTIONS - i) }, () => connect(wsUrl, token)))));
    }
    const connectMs = now() - t0;
    await sleep(2000);
    const loaded = rssMiB(child.pid);
    for (const c of clients) c.ws.terminate();
    return { idleRssMiB: idle, rssWithConnectionsMiB: loaded, connections: clients.length, connectSeconds: connectMs / 1000 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** 2. Latency added by the gateway, beside a direct connection to the same agent. */
async function relay(dataDir) {
  const hub = await hubPkg.startHub({ dataDir, port: 0, isolation: 'auto', agentScript: agentCommandPath(), logger: createLogger({ name: 'hub', level: 'error' }) });
  try {
    await hub.store.courses.upsert({ id: 'bench', title: 'Bench' });
    await setup.enrolPerson(hub.store, 'bench', { id: 'sam', name: 'Sam' }, 'student');
    const token = (await hub.tokens.issue({ personId: 'sam', scopes: ['hub'] })).token;
    const agent = await hub.context.workspaces.open({ courseId: 'bench', studentId: 'sam' });
    const direct = await connect(agent.url, agent.token);
    const relayed = await connect(hub.url.replace(/^http/, 'ws') + '/v1/workspaces/bench--sam/connect', token);
    const time = async (endpoint) => {
      const t = now();
      await endpoint.request(PingRequest.type, { payload: 'x'.repeat(64) });
      return now() - t;
    };
    for (let i = 0; i < 100; i++) {
      await time(direct.endpoint);
      await time(relayed.endpoint);
    }
    const d = [];
    const r = [];
    for (let i = 0; i < PINGS; i++) {
      d.push(await time(direct.endpoint));
      r.push(await time(relayed.endpoint));
    }
    direct.ws.terminate();
    relayed.ws.terminate();
    return {
      isolation: hub.provider.isolation,
      directP50Ms: percentile(d, 50),
      relayedP50Ms: percentile(r, 50),
      directP99Ms: percentile(d, 99),
      relayedP99Ms: percentile(r, 99),
    };
  } finally {
    await hub.close();
  }
}

async function main() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-hub-'));
  try {
    mkdirSync(path.join(base, 'a'));
    mkdirSync(path.join(base, 'b'));
    const mem = await memory(path.join(base, 'a'));
    const lat = await relay(path.join(base, 'b'));
    const perConnKiB = ((mem.rssWithConnectionsMiB - mem.idleRssMiB) * 1024) / mem.connections;
    console.log(`  hub idle RSS                 ${f(mem.idleRssMiB)} MiB`);
    console.log(`  hub RSS, ${mem.connections} idle clients   ${f(mem.rssWithConnectionsMiB)} MiB   ratio ${f(mem.rssWithConnectionsMiB / mem.idleRssMiB)}x idle   (${f(perConnKiB)} KiB per connection; connected in ${f(mem.connectSeconds)} s)`);
    console.log(`  ping p50  relayed ${f(lat.relayedP50Ms)} ms   direct ${f(lat.directP50Ms)} ms   added ${f(lat.relayedP50Ms - lat.directP50Ms)} ms   ratio ${f(lat.relayedP50Ms / lat.directP50Ms)}x`);
    console.log(`  ping p99  relayed ${f(lat.relayedP99Ms)} ms   direct ${f(lat.directP99Ms)} ms   added ${f(lat.relayedP99Ms - lat.directP99Ms)} ms   ratio ${f(lat.relayedP99Ms / lat.directP99Ms)}x   (agent isolation: ${lat.isolation})`);
    const resultsDir = path.join(here, '..', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'hub.json'), JSON.stringify({ at: new Date().toISOString(), ...mem, perConnectionKiB: perConnKiB, ...lat }, null, 2) + '\n');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
