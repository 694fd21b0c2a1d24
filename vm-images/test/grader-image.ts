// The grader VM image for tests, made by the repository's own build script
// (vm-images/build.sh --cache): built once, then reused while its inputs are
// unchanged. The cache lives outside the repository, in CLASSPOD_VM_CACHE or
// ~/.cache/classpod/vm-images.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, VM_IMAGES_DIR } from './repo-paths';


/** Where built images are kept between test runs. */
export function imageCacheDir(): string {
  return process.env.CLASSPOD_VM_CACHE || path.join(homedir(), '.cache', 'classpod', 'vm-images');
}

/** The image and how it was obtained. */
export interface GraderImage {
  path: string;
  /** False when the cache already held it. */
  built: boolean;
  seconds: number;
}

/**
 * Run `build.sh --cache` and resolve to the image it names. Its progress goes
 * to `logFile`; a failure carries the last lines of it.
 */
export async function graderImage(logFile: string, timeoutMs = 30 * 60_000): Promise<GraderImage> {
  const started = Date.now();
  const log = createWriteStream(logFile);
  const child = spawn('bash', [path.join(VM_IMAGES_DIR, 'build.sh'), '--cache', imageCacheDir()], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  const tail: string[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    log.write(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    log.write(d);
    tail.push(...d.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  });
  const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  await new Promise<void>((r) => log.end(r));
  if (code !== 0) {
    throw new Error(`vm-images/build.sh --cache failed (exit ${code}); its last lines:\n${tail.join('\n')}`);
  }
  const image = stdout.trim().split('\n').pop() ?? '';
  return { path: image, built: !tail.some((l) => l.includes('is up to date')), seconds: Math.round((Date.now() - started) / 1000) };
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
