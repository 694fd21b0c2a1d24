// Run by local-rootless.test.ts as an unprivileged uid (a student's
// workspace): grades the C programs it reads as JSON on standard input, one
// test each, with the `local` sandbox as that uid finds it, and prints what
// the sandbox found and the results as JSON.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GradingLimits, GradingSpec } from '@classpod/protocol';
import { BuildCache, gradeSubmission } from '../../src';
import { LocalSandbox } from '../../src/sandboxes/local-sandbox';

/** What the test sends. */
export interface RootlessJob {
  limits: GradingLimits;
  /** Program name → C source, and what it must print. */
  programs: Record<string, { source: string; stdout: string; args?: string[] }>;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RootlessJob;
  const work = mkdtempSync(path.join(os.tmpdir(), 'classpod-rootless-'));
  const sandbox = new LocalSandbox({ tmpDir: work });
  try {
    const results: Record<string, { verdict: string; message: string; memoryKb: number }> = {};
    for (const [name, p] of Object.entries(job.programs)) {
      writeFileSync(path.join(work, `${name}.c`), p.source);
      const spec: GradingSpec = {
        version: 1,
        language: 'c',
        sources: [`${name}.c`],
        files: [],
        groups: [
          {
            name: 'rootless',
            scoring: 'sum',
            points: 1,
            tests: [{ name, public: true, stdin: '', args: p.args ?? [], expectedStdout: p.stdout, expectedFiles: [], weight: 1, limits: job.limits, compare: { mode: 'exact' } }],
          },
        ],
      };
      const r = await gradeSubmission(spec, work, { sandbox, buildCache: new BuildCache(path.join(work, 'cache')) });
      const t = r.tests[0]!;
      results[name] = { verdict: r.compile.status === 'OK' ? t.verdict : `build ${r.compile.status}: ${r.compile.output}`, message: t.message, memoryKb: t.memoryKb };
    }
    process.stdout.write(
      JSON.stringify({
        uid: process.getuid?.(),
        rootless: sandbox.rootless,
        description: sandbox.description,
        cgroups: sandbox.cgroups ? { version: sandbox.cgroups.version, where: sandbox.cgroups.where } : null,
        cgroupProblems: sandbox.cgroupProblems,
        results,
      }),
    );
  } finally {
    await sandbox.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
