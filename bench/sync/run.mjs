#!/usr/bin/env node
// Sync benchmark: a real agent process over a real WebSocket against two real
// peers in the same run, on the same generated trees: `rsync -a` over ssh and
// `unison` over ssh, both to a throwaway sshd on 127.0.0.1. A local tar pipe
// gives the floor (what copying the bytes costs at all). Printed as ratios
// (sync ÷ peer; below 1 means sync is faster) with each target met or missed:
//   - initial sync of 2,000 files / 50 MB (mostly source, a few binaries):
//     target ≤ 0.5× rsync over ssh, and ≤ unison;
//   - one-file edit propagation, save → the file holds the new content on the
//     other side (sync: its watcher; a peer: one run started at the save),
//     100 edits: target p99 ≤ 20 ms;
//   - no-op rescan of 10,000 files (sync: one full cycle; a peer: one run):
//     target ≤ 0.5× rsync.
// Each edit changes the file's size: rsync's quick check compares size and
// mtime at one-second resolution, so a same-size edit within a second would
// escape it (rsync --checksum would see it, at the price of reading every file
// on every run, which is not how rsync is used).
// Needs rsync, unison, openssh-server and openssh-client (Debian packages).
// About two minutes.
//
//   node bench/sync/run.mjs        (after `npm run build`)
//   CLASSPOD_BENCH_CPU_PROF=DIR node --cpu-prof --cpu-prof-dir=DIR bench/sync/run.mjs
//     also writes the agent's CPU profile into DIR (the local side's comes from node's own flags)

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAgent } from '../lib/connect-agent.mjs';

const require = createRequire(import.meta.url);
const { agentCommandPath } = require('@classpod/agent');
const { SyncSession } = require('@classpod/sync');

const here = path.dirname(fileURLToPath(import.meta.url));
const TOKEN = `bench-${randomBytes(8).toString('hex')}`;
const EDITS = 100;
/** Edits timed for each peer (each run of a peer takes a few hundred ms). */
const PEER_EDITS = 10;
const NOOP_RUNS = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** Child processes to stop even when the run is interrupted. */
const children = new Set();
let scratchDir;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const c of children) c.kill('SIGTERM');
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    process.exit(130);
  });
}
const step = (what) => process.stderr.write(`  … ${what}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];

// ---- trees ----

/** 2,000 files / 50 MB: 1,990 source files of 2–22 KB in nested folders, 10 binaries of ~3.8 MB. */
function makeMixedTree(root) {
  let bytes = 0;
  const word = 'int value = compute(input, 42); // keep going\n';
  for (let i = 0; i < 1990; i++) {
    const dir = path.join(root, `module${i % 20}`, `part${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const size = 2048 + ((i * 7919) % 20480);
    const text = (`/* file ${i} */\n` + word.repeat(Math.ceil(size / word.length))).slice(0, size);
    writeFileSync(path.join(dir, `file${i}.c`), text);
    bytes += size;
  }
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  const each = Math.floor((50 * 1024 * 1024 - bytes) / 10);
  for (let i = 0; i < 10; i++) {
    writeFileSync(path.join(root, 'assets', `blob${i}.bin`), randomBytes(each));
    bytes += each;
  }
  return { files: 2000, bytes };
}

/** 10,000 small files in 100 folders. */
function makeWideTree(root) {
  for (let d = 0; d < 100; d++) {
    const dir = path.join(root, `pkg${d}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(path.join(dir, `m${i}.py`), `# module ${d}.${i}\nVALUE = ${d * 100 + i}\n`);
  }
  return { files: 10_000 };
}

// ---- sync through a real agent ----

function startAgentProcess(root) {
  const profile = process.env.CLASSPOD_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CLASSPOD_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, agentCommandPath(), '--root', root], {
    env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN, CLASSPOD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
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

/** Wait until `file` holds `content` (polled every millisecond). */
async function until(file, content) {
  for (;;) {
    try {
      if (readFileSync(file, 'utf8') === content) return;
    } catch {
      // not there yet
    }
    await sleep(1);
  }
}

// ---- rsync over ssh on loopback ----

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function startSshd(dir) {
  mkdirSync('/run/sshd', { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin yes',
    'StrictModes no',
    'UsePAM no',
    'Subsystem sftp internal-sftp',
  ].join('\n');
  writeFileSync(path.join(dir, 'sshd_config'), config + '\n');
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`);
    await sleep(25);
  }
  const ssh = `ssh -p ${port} -i ${path.join(dir, 'client_key')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR`;
  return { child, ssh, user: os.userInfo().username };
}

function rsync(ssh, user, from, to) {
  const start = now();
  execFileSync('rsync', ['-a', '--delete', '-e', ssh, `${from}/`, `${user}@127.0.0.1:${to}/`], { stdio: ['ignore', 'ignore', 'inherit'] });
  return now() - start;
}

/**
 * unison over ssh: wrapper scripts carry the ssh options (unison's -sshcmd takes
 * a program, not a command line) and point both ends' archives at the scratch folder.
 */
function unisonPeer(dir, ssh, user) {
  const home = path.join(dir, 'unison-home');
  mkdirSync(home, { recursive: true });
  const sshCmd = path.join(dir, 'unison-ssh');
  writeFileSync(sshCmd, `#!/bin/sh\nexec ${ssh} "$@"\n`, { mode: 0o755 });
  const serverCmd = path.join(dir, 'unison-server');
  writeFileSync(serverCmd, `#!/bin/sh\nUNISON=${home}-remote exec unison "$@"\n`, { mode: 0o755 });
  mkdirSync(`${home}-remote`, { recursive: true });
  return (from, to) => {
    mkdirSync(to, { recursive: true });
    const start = now();
    execFileSync(
      'unison',
      [from, `ssh://${user}@127.0.0.1/${to}`, '-batch', '-auto', '-times', '-perms', '0o100', '-silent', '-confirmbigdel=false', '-sshcmd', sshCmd, '-servercmd', serverCmd],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, UNISON: home } },
    );
    return now() - start;
  };
}

/** The floor: the tree copied through a local tar pipe. */
function tarPipe(from, to) {
  mkdirSync(to, { recursive: true });
  const start = now();
  execFileSync('sh', ['-c', 'tar -C "$1" -cf - . | tar -C "$2" -xf -', 'tar-pipe', from, to], { stdio: 'inherit' });
  return now() - start;
}

// ---- main ----

async function main() {
  for (const tool of ['rsync', 'unison', 'ssh', 'ssh-keygen', 'tar']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is missing: apt-get install -y rsync unison openssh-server openssh-client`);
    }
  }
  if (!existsSync('/usr/sbin/sshd')) throw new Error('sshd is missing: apt-get install -y openssh-server');

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'classpod-bench-sync-'));
  scratchDir = scratch;
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
  const local = path.join(scratch, 'local');
  const wide = path.join(scratch, 'wide');
  const rsyncDest = path.join(scratch, 'rsync-dest');
  const rsyncWideDest = path.join(scratch, 'rsync-wide-dest');
  const unisonDest = path.join(scratch, 'unison-dest');
  const unisonWideDest = path.join(scratch, 'unison-wide-dest');
  const tree = makeMixedTree(local);
  makeWideTree(wide);
  // Let the generated files age past the scan cache's racy window, as files on a real disk have.
  await sleep(200);

  step('trees generated');
  const { child: agent, url } = await startAgentProcess(workspace);
  step('agent started');
  const sshd = await startSshd(path.join(scratch));
  step('sshd started');
  const unison = unisonPeer(scratch, sshd.ssh, sshd.user);
  const sessions = [];
  const sockets = [];
  try {
    // Initial sync.
    const { ws, endpoint } = await connectAgent(url, TOKEN, 'sync');
    sockets.push(ws);
    const session = await SyncSession.open({ root: local, stateDir: path.join(scratch, 'state-mixed'), remoteRoot: 'mixed', watch: false, rescanIntervalMs: 0 });
    sessions.push(session);
    await session.attach(endpoint);
    let start = now();
    const first = await session.syncNow();
    const syncInitial = now() - start;
    step('initial sync done');
    if (first.remoteChanges < tree.files) throw new Error(`initial sync made only ${first.remoteChanges} changes`);
    const rsyncInitial = rsync(sshd.ssh, sshd.user, local, rsyncDest);
    step('initial rsync done');
    const unisonInitial = unison(local, unisonDest);
    step('initial unison done');
    const tarInitial = tarPipe(local, path.join(scratch, 'tar-dest'));
    rmSync(path.join(scratch, 'tar-dest'), { recursive: true, force: true });
    await session.close();

    // Edit propagation with the watchers on.
    const live = await SyncSession.open({ root: local, stateDir: path.join(scratch, 'state-mixed'), remoteRoot: 'mixed', rescanIntervalMs: 0, debounceMs: 5 });
    sessions.push(live);
    await live.attach(endpoint);
    await sleep(300);
    const target = 'module3/part3/file3.c';
    const syncEdits = [];
    const rsyncEdits = [];
    const unisonEdits = [];
    const body = readFileSync(path.join(local, target), 'utf8').split('\n').slice(1).join('\n');
    for (let i = 0; i < EDITS; i++) {
      // One more byte each time: the size changes, so rsync's quick check sees every edit (see the header).
      const content = `/* edit ${i} ${'.'.repeat(i)} */\n` + body;
      start = now();
      writeFileSync(path.join(local, target), content);
      await until(path.join(workspace, 'mixed', target), content);
      syncEdits.push(now() - start);
      await sleep(20);
      if (i < PEER_EDITS) {
        start = now();
        rsync(sshd.ssh, sshd.user, local, rsyncDest);
        rsyncEdits.push(now() - start);
        if (readFileSync(path.join(rsyncDest, target), 'utf8') !== content) throw new Error('rsync did not carry the edit');
        start = now();
        unison(local, unisonDest);
        unisonEdits.push(now() - start);
        if (readFileSync(path.join(unisonDest, target), 'utf8') !== content) throw new Error('unison did not carry the edit');
      }
    }
    await live.close();
    step('edits done');

    // No-op rescan of 10,000 files.
    const wideSession = await SyncSession.open({ root: wide, stateDir: path.join(scratch, 'state-wide'), remoteRoot: 'wide', watch: false, rescanIntervalMs: 0 });
    sessions.push(wideSession);
    await wideSession.attach(endpoint);
    await wideSession.syncNow();
    rsync(sshd.ssh, sshd.user, wide, rsyncWideDest);
    unison(wide, unisonWideDest);
    await sleep(200);
    await wideSession.syncNow(); // warm: the files written by the first cycle age past the racy window
    const syncNoop = [];
    const rsyncNoop = [];
    const unisonNoop = [];
    for (let i = 0; i < NOOP_RUNS; i++) {
      start = now();
      const r = await wideSession.syncNow();
      syncNoop.push(now() - start);
      if (r.localChanges + r.remoteChanges !== 0) throw new Error('the no-op cycle changed something');
      rsyncNoop.push(rsync(sshd.ssh, sshd.user, wide, rsyncWideDest));
      unisonNoop.push(unison(wide, unisonWideDest));
    }

    const results = {
      tree: { files: tree.files, bytes: tree.bytes },
      initialSyncMs: { sync: syncInitial, rsync: rsyncInitial, unison: unisonInitial, tarPipeFloor: tarInitial },
      editPropagationMs: {
        sync: { median: median(syncEdits), p99: percentile(syncEdits, 0.99), max: Math.max(...syncEdits), edits: EDITS },
        rsync: median(rsyncEdits),
        unison: median(unisonEdits),
      },
      noopRescan10kMs: { sync: median(syncNoop), rsync: median(rsyncNoop), unison: median(unisonNoop) },
    };
    const f = (x) => x.toFixed(1);
    const ratio = (a, b) => (a / b).toFixed(2);
    /** "met", or by how much the value misses the limit. */
    const verdict = (value, limit, unit) => (value <= limit ? 'met' : `MISSED by ${unit === 'x' ? (value / limit).toFixed(2) + 'x' : f(value - limit) + ' ms'}`);
    const e = results.editPropagationMs;
    const n = results.noopRescan10kMs;
    console.log('sync benchmark (agent process over WebSocket; peers over ssh on 127.0.0.1; ratio = sync ÷ peer)');
    console.log(`  initial sync ${tree.files} files / ${(tree.bytes / 1048576).toFixed(0)} MiB`);
    console.log(`    sync ${f(syncInitial)} ms   rsync ${f(rsyncInitial)} ms (${ratio(syncInitial, rsyncInitial)}x)   unison ${f(unisonInitial)} ms (${ratio(syncInitial, unisonInitial)}x)   floor: local tar pipe ${f(tarInitial)} ms`);
    console.log(`    target ≤ 0.5x rsync: ${verdict(syncInitial / rsyncInitial, 0.5, 'x')}   target ≤ unison: ${verdict(syncInitial / unisonInitial, 1, 'x')}`);
    console.log(`  one-file edit, ${EDITS} edits (peers: median of ${PEER_EDITS} runs)`);
    console.log(`    sync median ${f(e.sync.median)} ms, p99 ${f(e.sync.p99)} ms, worst ${f(e.sync.max)} ms   rsync ${f(e.rsync)} ms   unison ${f(e.unison)} ms`);
    console.log(`    target p99 ≤ 20 ms: ${verdict(e.sync.p99, 20, 'ms')}`);
    console.log('  no-op rescan 10,000 files');
    console.log(`    sync ${f(n.sync)} ms   rsync ${f(n.rsync)} ms (${ratio(n.sync, n.rsync)}x)   unison ${f(n.unison)} ms (${ratio(n.sync, n.unison)}x)`);
    console.log(`    target ≤ 0.5x rsync: ${verdict(n.sync / n.rsync, 0.5, 'x')}`);
    const outDir = path.join(here, '..', 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'sync.json'), JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2) + '\n');
  } finally {
    for (const s of sessions) await s.close().catch(() => undefined);
    for (const ws of sockets) ws.terminate();
    agent.kill('SIGTERM');
    sshd.child.kill('SIGTERM');
    await Promise.all([new Promise((r) => agent.once('exit', r)), new Promise((r) => (sshd.child.exitCode !== null ? r() : sshd.child.once('exit', r)))]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
