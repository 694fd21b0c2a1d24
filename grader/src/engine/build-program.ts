// Builds a program (a submission, or a spec's checker) inside a box of the
// chosen sandbox, through the build cache: compile once per source hash.

import type { GradingFile, GradingLanguage } from '@classpod/protocol';
import { expandCommand, LANGUAGES } from '../languages/languages';
import { BUILD_LIMITS } from '../spec/limits';
import type { Sandbox } from '../sandboxes/sandbox';
import { copyTree, writeBoxFiles } from './box-files';
import type { BuildCache, BuildOutcome } from './build-cache';
import { hashFiles, hashValue } from './hashes';

/** Most characters of compiler output kept. */
export const MAX_COMPILE_OUTPUT = 8000;

/** What to build. */
export interface BuildInput {
  language: GradingLanguage;
  /** Source files by relative path (the first is the main file). */
  sources: ReadonlyMap<string, Uint8Array>;
  /** Extra files from the spec, present at build and run time. */
  extraFiles: readonly GradingFile[];
  /** Replaces the language's build command; `[]` means no build step. */
  command?: readonly string[];
  mainClass: string;
}

/** Build `input` with `sandbox`, reusing an earlier identical build. */
export function buildProgram(input: BuildInput, sandbox: Sandbox, cache: BuildCache, signal?: AbortSignal): Promise<BuildOutcome> {
  const plugin = LANGUAGES[input.language];
  const names = [...input.sources.keys()];
  const template = input.command ?? plugin.build ?? [];
  const argv = template.length > 0 ? expandCommand(template, { sources: names, mainClass: input.mainClass, memoryMb: 1024 }) : [];
  const key = hashValue({
    sandbox: sandbox.name,
    language: input.language,
    argv,
    sources: hashFiles(input.sources),
    extra: input.extraFiles,
  });
  return cache.get(key, async (outDir) => {
    const box = await sandbox.openBox();
    try {
      await writeBoxFiles(box.dir, input.extraFiles.map((f) => [f.path, f.content]));
      await writeBoxFiles(box.dir, input.sources);
      if (argv.length > 0) {
        const run = await box.run({ argv, stdin: '', limits: BUILD_LIMITS, addressSpaceLimit: false, ...(signal ? { signal } : {}) });
        const output = truncate(`${run.stdout.toString('utf8')}${run.stderr.toString('utf8')}`);
        if (run.systemError) return { status: 'SE', output: run.systemError };
        if (signal?.aborted) return { status: 'SE', output: 'grading was stopped' };
        if (run.exitCode !== 0) {
          const why = run.limitHit ? `the build went over its ${run.limitHit} limit` : run.signal ? `the compiler was killed by ${run.signal}` : '';
          return { status: 'CE', output: truncate([why, output].filter(Boolean).join('\n')) };
        }
        await copyTree(box.dir, outDir);
        return { status: 'OK', output };
      }
      await copyTree(box.dir, outDir);
      return { status: 'OK', output: '' };
    } finally {
      await box.dispose();
    }
  });
}

function truncate(text: string): string {
  return text.length > MAX_COMPILE_OUTPUT ? `${text.slice(0, MAX_COMPILE_OUTPUT)}\n… (truncated)` : text;
}
