// Finds out which toolchain a language plugin would use: runs the plugin's
// version command (the compiler's or runtime's own `--version`) with the
// search path the sandbox will use, and hashes its whole output together with
// the contents of the programs the language runs (compiler and runtime), so
// two toolchains that print the same version line still differ. The result
// names a grade's toolchain and is part of every build's cache key.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { GradingLanguage, ToolchainIdentity } from '@classpod/protocol';
import { hashValue } from '../engine/hashes';
import { LANGUAGES, type LanguagePlugin } from './languages';

/** Longest a version command may take (ms). */
const VERSION_TIMEOUT_MS = 20000;

const probes = new Map<string, Promise<ToolchainIdentity>>();
const fileHashes = new Map<string, Promise<string>>();

/** The programs a plugin runs, by name (`gcc`; `javac` and `java`): what its identity hashes. */
export function toolchainPrograms(plugin: LanguagePlugin): string[] {
  const names = [plugin.version[0], plugin.build?.[0], plugin.run[0]].filter((p): p is string => !!p && !p.startsWith('./') && !p.includes('{'));
  return [...new Set(names)];
}

/** Where `program` is found on `searchPath` (`:`-separated, or `;` on Windows), or null. */
export function findProgram(program: string, searchPath: string): string | null {
  if (program.includes('/') || program.includes('\\')) return existsSync(program) ? program : null;
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, program + ext);
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** `sha256:…` of a file's contents, computed once per path, size and time per process. */
function hashFile(file: string): Promise<string> {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  let p = fileHashes.get(key);
  if (!p) {
    p = new Promise<string>((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(file)
        .on('data', (d) => h.update(d))
        .on('error', reject)
        .on('end', () => resolve(`sha256:${h.digest('hex')}`));
    });
    fileHashes.set(key, p);
  }
  return p;
}

/** Run a version command; its whole output (stdout then stderr), or null when it cannot run. */
function versionOutput(argv: readonly string[], searchPath: string): Promise<{ output: string; ok: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, PATH: searchPath, LANG: 'C', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: VERSION_TIMEOUT_MS,
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(0, 64 * 1024)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(0, 64 * 1024)));
    child.on('error', () => resolve({ output: '', ok: false }));
    child.on('close', (code) => resolve({ output: `${stdout}${stderr}`, ok: code === 0 }));
  });
}

/**
 * The toolchain of `language` as a sandbox searching `searchPath` would use
 * it. Probed once per process and search path.
 */
export function probeToolchain(language: GradingLanguage, searchPath: string): Promise<ToolchainIdentity> {
  const key = `${language}\0${searchPath}`;
  let p = probes.get(key);
  if (!p) {
    p = probe(language, searchPath);
    probes.set(key, p);
  }
  return p;
}

async function probe(language: GradingLanguage, searchPath: string): Promise<ToolchainIdentity> {
  const plugin = LANGUAGES[language];
  const programs: { name: string; path: string | null; sha256: string | null }[] = [];
  for (const name of toolchainPrograms(plugin)) {
    const found = findProgram(name, searchPath);
    if (!found) {
      programs.push({ name, path: null, sha256: null });
      continue;
    }
    const real = realpathSync(found);
    programs.push({ name, path: real, sha256: await hashFile(real).catch(() => null) });
  }
  const version = programs.every((p) => p.path) ? await versionOutput(plugin.version, searchPath) : { output: '', ok: false };
  const firstLine = version.output.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return {
    language,
    version: firstLine.slice(0, 500),
    hash: hashValue({ language, versionOutput: version.output, programs }),
    available: version.ok && programs.every((p) => p.sha256 !== null),
  };
}

/** `sha256:…` naming a set of toolchains, independent of their order. */
export function toolchainsHash(toolchains: readonly ToolchainIdentity[]): string {
  return hashValue([...toolchains].sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0)).map((t) => ({ language: t.language, hash: t.hash })));
}
