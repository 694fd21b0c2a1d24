// Finds an external program a test needs. When it is missing the test fails in
// CI (which installs every tool) and is skipped elsewhere, printing why.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { skipWithoutTool } from '@classpod/test-support';

/** Absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Resolve a tool for a test: `override` (an environment variable's value) wins,
 * then PATH. Missing: throws under CI, otherwise skips the test.
 */
export function requireTool(ctx: Mocha.Context, name: string, override?: string): string {
  const found = override || findOnPath(name);
  if (found) return found;
  skipWithoutTool(ctx, `${name} is not installed`);
}

/** Result of running a tool to completion. */
export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a tool synchronously with a bounded time (tests stay finite). */
export function runTool(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ToolRun {
  const result = spawnSync(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
