// Builds a program (a submission, or a spec's checker) inside a box of the
// chosen sandbox, through the build cache: compile once per source hash. The
// cache key names everything a build depends on: the sources and grader
// files, the command with its flags, the toolchain (its version output and
// program hashes) and the sandbox (its program's version and hash, not just
// its name), so a build made by another compiler or another "isolate" is
// never reused.

import type { GradingFile, GradingLanguage, SandboxIdentity, ToolchainIdentity } from '@classpod/protocol';
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

/** What a build is made with, beyond its input. */
export interface BuildTools {
  sandbox: Sandbox;
  sandboxIdentity: SandboxIdentity;
  /** The toolchain of the input's language. */
  toolchain: ToolchainIdentity;
  cache: BuildCache;
  signal?: AbortSignal;
}

/** The cache key of a build: every input that can change what it produces. */
export function buildKey(input: BuildInput, argv: readonly string[], tools: Pick<BuildTools, 'sandboxIdentity' | 'toolchain'>): string {
  return hashValue({
    sandbox: { name: tools.sandboxIdentity.name, hash: tools.sandboxIdentity.hash, cgroups: tools.sandboxIdentity.cgroups },
    toolchain: tools.toolchain.hash,
    language: input.language,
    argv,
    sources: hashFiles(input.sources),
    extra: input.extraFiles,
  });
}

/** Build `input` with `sandbox`, reusing an earlier identical build. */
export async function buildProgram(input: BuildInput, tools: BuildTools): Promise<BuildOutcome & { key: string }> {
  const { sandbox, cache, signal } = tools;
  const plugin = LANGUAGES[input.language];
  const names = [...input.sources.keys()];
  const template = input.command ?? plugin.build ?? [];
  const argv = template.length > 0 ? expandCommand(template, { sources: names, mainClass: input.mainClass, memoryMb: 1024 }) : [];
  const key = buildKey(input, argv, tools);
  const built = await cache.get(key, async (outDir) => {
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
  return { ...built, key };
}

function truncate(text: string): string {
  return text.length > MAX_COMPILE_OUTPUT ? `${text.slice(0, MAX_COMPILE_OUTPUT)}\n… (truncated)` : text;
}
