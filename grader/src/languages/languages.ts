// Language plugins, as data: how a language builds and runs. Command lines
// are templates: `{sources}` expands to every source file, `{main}` to the
// first, `{mainClass}` to the Java class, `{memoryMb}` to the memory limit.

import type { GradingLanguage } from '@classpod/protocol';

/** A language plugin. */
export interface LanguagePlugin {
  id: GradingLanguage;
  /** Shown to people. */
  title: string;
  /** Build command template; absent when the language has no build step. */
  build?: readonly string[];
  /** Run command template. */
  run: readonly string[];
  /** Prints the toolchain's version (part of a build's cache key and of results). */
  version: readonly string[];
  /** Threads the runtime needs beyond the program's own (JVM, V8). */
  extraProcesses: number;
  /**
   * Whether the memory limit may be enforced as an address-space limit.
   * Runtimes that reserve large virtual ranges (JVM, V8) need a cgroup instead.
   */
  addressSpaceLimit: boolean;
}

/** Every built-in language, by id. */
export const LANGUAGES: Readonly<Record<GradingLanguage, LanguagePlugin>> = {
  c: {
    id: 'c',
    title: 'C (gcc)',
    build: ['gcc', '-std=c17', '-O2', '-pipe', '-o', 'main', '{sources}', '-lm'],
    run: ['./main'],
    version: ['gcc', '--version'],
    extraProcesses: 0,
    addressSpaceLimit: true,
  },
  cpp: {
    id: 'cpp',
    title: 'C++ (g++)',
    build: ['g++', '-std=c++17', '-O2', '-pipe', '-o', 'main', '{sources}'],
    run: ['./main'],
    version: ['g++', '--version'],
    extraProcesses: 0,
    addressSpaceLimit: true,
  },
  python: {
    id: 'python',
    title: 'Python 3',
    build: ['python3', '-m', 'py_compile', '{sources}'],
    run: ['python3', '{main}'],
    version: ['python3', '--version'],
    extraProcesses: 0,
    addressSpaceLimit: true,
  },
  java: {
    id: 'java',
    title: 'Java',
    build: ['javac', '-encoding', 'UTF-8', '-d', '.', '{sources}'],
    run: ['java', '-Xmx{memoryMb}m', '-Xss64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '{mainClass}'],
    version: ['javac', '-version'],
    extraProcesses: 32,
    addressSpaceLimit: false,
  },
  javascript: {
    id: 'javascript',
    title: 'JavaScript (node)',
    run: ['node', '{main}'],
    version: ['node', '--version'],
    extraProcesses: 16,
    addressSpaceLimit: false,
  },
};

/** Values substituted into a command template. */
export interface TemplateValues {
  sources: readonly string[];
  mainClass: string;
  memoryMb: number;
}

/** Expand a command template into an argument vector. */
export function expandCommand(template: readonly string[], values: TemplateValues): string[] {
  const out: string[] = [];
  for (const part of template) {
    if (part === '{sources}') out.push(...values.sources);
    else
      out.push(
        part
          .replace(/\{main\}/g, values.sources[0] ?? '')
          .replace(/\{mainClass\}/g, values.mainClass)
          .replace(/\{memoryMb\}/g, String(values.memoryMb)),
      );
  }
  return out;
}
