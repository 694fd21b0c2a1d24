// Builds are made once per source hash and reused: the first grading of a
// submission compiles it, every later one (another test, a regrade, a
// second worker slot) copies the stored build. A failed build is remembered
// too, so a compile error is not recompiled for every test. System errors are
// never cached.

import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { copyTree } from './box-files';

/** A finished build. */
export type BuildOutcome =
  | { status: 'OK'; dir: string; output: string; cached: boolean }
  | { status: 'CE' | 'SE'; output: string; cached: boolean };

/** Where builds are stored. */
export class BuildCache {
  private readonly inFlight = new Map<string, Promise<BuildOutcome>>();
  private readonly failures = new Map<string, BuildOutcome>();

  constructor(readonly root: string = path.join(os.tmpdir(), 'classpod-build-cache')) {}

  /**
   * The build named `key`: from the cache, or made by `make`, which fills a
   * fresh folder and answers OK, CE or SE.
   */
  async get(key: string, make: (outDir: string) => Promise<{ status: 'OK' | 'CE' | 'SE'; output: string }>): Promise<BuildOutcome> {
    const name = key.replace(/^sha256:/, '');
    const dir = path.join(this.root, name);
    if (existsSync(path.join(dir, '.classpod-build'))) return { status: 'OK', dir, output: '', cached: true };
    const failed = this.failures.get(name);
    if (failed) return { ...failed, cached: true };
    const running = this.inFlight.get(name);
    if (running) return running.then((b) => ({ ...b, cached: true }));
    const p = this.make(name, dir, make).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, p);
    return p;
  }

  private async make(
    name: string,
    dir: string,
    make: (outDir: string) => Promise<{ status: 'OK' | 'CE' | 'SE'; output: string }>,
  ): Promise<BuildOutcome> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const staging = path.join(this.root, `.staging-${randomUUID()}`);
    try {
      const made = await make(staging);
      if (made.status !== 'OK') {
        const outcome: BuildOutcome = { status: made.status, output: made.output, cached: false };
        if (made.status === 'CE') this.failures.set(name, outcome);
        return outcome;
      }
      await writeFile(path.join(staging, '.classpod-build'), '');
      await rename(staging, dir).catch(async () => {
        // Another process stored the same build first; theirs is as good as ours.
        if (!existsSync(path.join(dir, '.classpod-build'))) throw new Error(`cannot store build ${name}`);
      });
      return { status: 'OK', dir, output: made.output, cached: false };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Copy a stored build into a box folder. */
  async copyInto(buildDir: string, boxDir: string): Promise<void> {
    await copyTree(buildDir, boxDir);
    await rm(path.join(boxDir, '.classpod-build'), { force: true });
  }
}
