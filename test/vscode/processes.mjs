// Child processes of the end-to-end run: each started in its own process
// group (so its children — agents, extension hosts — go with it), its output
// kept in a log file, and stopped by group, TERM then KILL.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const running = new Set();

/** Start `command` in a new process group; resolves once `ready(line)` matched a line of its output. */
export function startProcess({ name, command, args, env, cwd, log, ready, timeoutMs = 60_000 }) {
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = { name, child, log, stop: () => stopGroup(child) };
  running.add(handle);
  child.on('exit', () => running.delete(handle));
  return new Promise((resolve, reject) => {
    let buffer = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${name} was not ready within ${timeoutMs / 1000} s; see ${log}`)), timeoutMs);
    const fail = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void handle.stop().then(() => reject(err));
    };
    const onData = (chunk) => {
      out.write(chunk);
      if (settled || !ready) return;
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = ready(line);
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolve({ ...handle, match });
          return;
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready; see ${log}`)));
    if (!ready) {
      settled = true;
      clearTimeout(timer);
      resolve({ ...handle, match: undefined });
    }
  });
}

/** Stop a process group: TERM, then KILL after `graceMs`. */
export async function stopGroup(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The leader is gone; its group may live on.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* the group is gone too */
    }
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
  try {
    process.kill(-child.pid, 'SIGKILL'); // anything the leader left behind in its group
  } catch {
    /* nothing left */
  }
}

/** Stop every process this module started (newest first). */
export async function stopAll() {
  for (const h of [...running].reverse()) await h.stop();
}

/** Run a command to completion; resolves with its standard output, rejects with its output on failure. */
export function run(command, args, { env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`))));
  });
}
