#!/usr/bin/env node
// Agent benchmark: keystroke echo latency (p50, p99) and terminal output
// throughput through a real agent process over a real WebSocket, each beside
// a bare node-pty in this process measured in the same run and printed as a
// ratio; and the agent's resident memory when idle (the agent runs with the
// Node options the hub gives it; bench/memory measures memory in detail). About 20 seconds.
//
//   node bench/agent/run.mjs        (after `npm run build`)

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAgent } from '../lib/connect-agent.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { agentCommandPath } = require('@classpod/agent');
// The Node options the hub's local provider runs its agents with.
const { AGENT_NODE_OPTIONS } = require(path.join(here, '..', '..', 'hub', 'dist', 'src', 'workspaces', 'local', 'agent-node-options.js'));
const { TerminalOpenRequest, TerminalCloseRequest } = require('@classpod/protocol');
const pty = require('node-pty');

const KEYSTROKES = 300;
const THROUGHPUT_BYTES = 48 * 1024 * 1024;
const TOKEN = `bench-${Math.random().toString(36).slice(2)}-token`;
const OUTPUT_COMMAND = ['-c', `head -c ${THROUGHPUT_BYTES} /dev/zero | tr '\\0' x`];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Type one character at a time into `cat` (the tty echoes it) and time each echo. */
async function echoLatencies(write, onData) {
  let waiting;
  onData((chunk) => {
    if (waiting && chunk.toString().includes(waiting.ch)) {
      const w = waiting;
      waiting = undefined;
      w.resolve();
    }
  });
  const samples = [];
  for (let i = 0; i < KEYSTROKES + 20; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const start = now();
    await new Promise((resolve) => {
      waiting = { ch, resolve };
      write(ch);
    });
    if (i >= 20) samples.push(now() - start); // the first ones warm up
    if (i % 60 === 59) {
      await new Promise((resolve) => {
        waiting = { ch: '\n', resolve };
        write('\r');
      });
    }
  }
  return samples;
}

async function bareEcho() {
  // UTF-8, as the agent's terminals.
  const p = pty.spawn('/bin/cat', [], { cols: 80, rows: 24, cwd: os.tmpdir(), env: process.env, encoding: 'utf8' });
  await sleep(100);
  const samples = await echoLatencies((s) => p.write(s), (fn) => p.onData(fn));
  p.kill();
  return samples;
}

async function bareThroughput() {
  const p = pty.spawn('/bin/sh', OUTPUT_COMMAND, { cols: 80, rows: 24, cwd: os.tmpdir(), env: process.env, encoding: 'utf8' });
  let bytes = 0;
  const start = now();
  p.onData((d) => (bytes += Buffer.byteLength(d)));
  await new Promise((r) => p.onExit(r));
  return { bytes, ms: now() - start };
}

function startAgentProcess(root) {
  const child = spawn(process.execPath, [...AGENT_NODE_OPTIONS, agentCommandPath(), '--root', root], {
    env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN, CLASSPOD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
  });
}

const rssOf = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function agentEcho(endpoint) {
  const opened = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/cat', cols: 80, rows: 24 });
  const stream = endpoint.openStream(opened.streamId);
  await sleep(100);
  const samples = await echoLatencies((s) => stream.write(s), (fn) => stream.onData(fn));
  await endpoint.request(TerminalCloseRequest.type, { terminalId: opened.terminalId });
  return samples;
}

async function agentThroughput(endpoint) {
  const start = now();
  const opened = await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: OUTPUT_COMMAND, cols: 80, rows: 24 });
  const stream = endpoint.openStream(opened.streamId);
  let bytes = 0;
  stream.onData((d) => (bytes += d.byteLength));
  await new Promise((r) => stream.onEnd(r));
  return { bytes, ms: now() - start };
}

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-agent-'));
  const root = path.join(scratch, 'workspace');
  mkdirSync(root);
  const { child, url } = await startAgentProcess(root);
  try {
    await sleep(1500);
    const idleRss = rssOf(child.pid);

    const bare = await bareEcho();
    const { endpoint, ws } = await connectAgent(url, TOKEN, 'terminals');
    const viaAgent = await agentEcho(endpoint);
    const bareOut = await bareThroughput();
    const agentOut = await agentThroughput(endpoint);
    const busyRss = rssOf(child.pid);
    ws.close();

    const mibps = (r) => r.bytes / 1048576 / (r.ms / 1000);
    const results = {
      echoP50Ms: { agent: percentile(viaAgent, 50), bare: percentile(bare, 50) },
      echoP99Ms: { agent: percentile(viaAgent, 99), bare: percentile(bare, 99) },
      throughputMiBps: { agent: mibps(agentOut), bare: mibps(bareOut) },
      agentIdleRssMiB: idleRss / 1048576,
      agentRssAfterRunMiB: busyRss / 1048576,
    };
    const f = (x) => x.toFixed(2);
    console.log('agent benchmark (agent process over WebSocket vs bare node-pty in this process)');
    console.log(`  keystroke echo p50   agent ${f(results.echoP50Ms.agent)} ms   bare ${f(results.echoP50Ms.bare)} ms   ratio ${f(results.echoP50Ms.agent / results.echoP50Ms.bare)}x`);
    console.log(`  keystroke echo p99   agent ${f(results.echoP99Ms.agent)} ms   bare ${f(results.echoP99Ms.bare)} ms   ratio ${f(results.echoP99Ms.agent / results.echoP99Ms.bare)}x`);
    console.log(`  output throughput    agent ${f(results.throughputMiBps.agent)} MiB/s   bare ${f(results.throughputMiBps.bare)} MiB/s   ratio ${f(results.throughputMiBps.agent / results.throughputMiBps.bare)}x`);
    console.log(`  agent idle RSS       ${f(results.agentIdleRssMiB)} MiB (after the run: ${f(results.agentRssAfterRunMiB)} MiB)`);
    const outDir = path.join(here, '..', 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'agent.json'), JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2) + '\n');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
