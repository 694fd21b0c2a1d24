// Loads a specification file (YAML or JSON): parses it with positions,
// validates it against the schema, checks the rules a schema cannot express,
// and resolves it into a GradingSpec with every limit and every piece of test
// data inline, so it can travel to a worker as one value.

import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ProtocolError, validator, type GradingCompare, type GradingFile, type GradingSpec, type SpecGroup, type SpecTestCase } from '@classpod/protocol';
import { readFolderFile } from './folder-file';
import { resolveLimits } from './limits';
import { fieldName, SpecError } from './spec-error';
import { SpecFile, type CompareFile, type GroupFile, type TestFile } from './spec-schema';
import { positionOf } from './source-positions';

const specValidator = validator(SpecFile);

/** Largest data file a spec may reference (bytes). */
const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

/** Largest specification file (bytes). */
const MAX_SPEC_BYTES = 16 * 1024 * 1024;

/**
 * Load and resolve the specification at `file`. Throws SpecError, also when
 * the file or any file it names is a symbolic link or over its size limit.
 */
export function loadSpec(file: string): GradingSpec {
  const baseDir = path.dirname(path.resolve(file));
  const read = readFolderFile(baseDir, path.basename(file), MAX_SPEC_BYTES);
  if (!read.ok) {
    const problem = read.problem.replace(/^file (.*) not found$/, 'cannot read the specification (ENOENT)');
    throw new SpecError(problem, { file, line: 0, column: 0, field: '' });
  }
  return parseSpec(read.content.toString('utf8'), { file, baseDir });
}

/** Parse and resolve specification text; file references are read relative to `baseDir`. */
export function parseSpec(text: string, where: { file: string; baseDir: string }): GradingSpec {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new SpecError(e.message.split('\n')[0]!, { file: where.file, line: pos?.line ?? 0, column: pos?.col ?? 0, field: '' });
  }
  const fail = (pathParts: (string | number)[], problem: string): never => {
    const { line, column } = positionOf(doc, counter, pathParts);
    throw new SpecError(problem, { file: where.file, line, column, field: fieldName(pathParts) });
  };
  const raw: unknown = doc.toJS();
  try {
    specValidator.assert(raw, 'specification');
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    const pointer = ((err.data as { path?: string } | undefined)?.path ?? '/').split('/').filter(Boolean);
    const parts = pointer.map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
    fail(parts, describe(err.message, parts, raw));
  }
  return resolve(raw as SpecFile, where.baseDir, fail);
}

/** Make TypeBox's message say what is allowed, in the spec's words. */
function describe(message: string, parts: (string | number)[], raw: unknown): string {
  const detail = message.replace(/^specification: \S* ?/, '');
  const last = parts[parts.length - 1];
  if (last === 'language') return 'must be one of c, cpp, python, java, javascript';
  if (last === 'mode') return 'must be one of exact, trailing-whitespace, tokens, float, checker';
  if (last === 'scoring') return 'must be sum or all-or-nothing';
  if (/Unexpected property/i.test(detail)) return `unknown field "${String(last)}"`;
  if (/Expected required property/i.test(detail)) return `is required`;
  let value: unknown = raw;
  for (const p of parts) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p as string] : undefined;
  return `${detail.charAt(0).toLowerCase()}${detail.slice(1)}${value === undefined ? '' : ` (found ${JSON.stringify(value)})`}`;
}

type Fail = (pathParts: (string | number)[], problem: string) => never;

function resolve(file: SpecFile, baseDir: string, fail: Fail): GradingSpec {
  if (file.groups && file.tests) fail(['tests'], 'use either groups or tests, not both');
  if (!file.groups && !file.tests) fail([], 'needs groups or tests');
  const read = (rel: string, at: (string | number)[]): string => readDataFile(baseDir, rel, at, fail);

  const names = new Set<string>();
  const groupNames = new Set<string>();
  const groupsIn: { g: GroupFile; at: (string | number)[] }[] = file.groups
    ? file.groups.map((g, i) => ({ g, at: ['groups', i] }))
    : [{ g: { name: 'tests', scoring: 'sum', tests: file.tests! }, at: [] }];

  const groups: SpecGroup[] = groupsIn.map(({ g, at }) => {
    if (groupNames.has(g.name)) fail([...at, 'name'], `group name "${g.name}" is used twice`);
    groupNames.add(g.name);
    const tests = g.tests.map((t, i) => {
      const tAt = [...at, 'tests', i];
      if (names.has(t.name)) fail([...tAt, 'name'], `test name "${t.name}" is used twice`);
      names.add(t.name);
      return resolveTest(t, g, file, tAt, read, fail);
    });
    const weights = tests.reduce((n, t) => n + t.weight, 0);
    return { name: g.name, scoring: g.scoring ?? 'sum', points: g.points ?? weights, tests };
  });

  let checker: GradingSpec['checker'];
  if (file.checker) {
    checker = {
      language: file.checker.language,
      source: { path: path.basename(file.checker.source), content: read(file.checker.source, ['checker', 'source']) },
    };
  }
  const usesChecker = groups.some((g) => g.tests.some((t) => t.compare.mode === 'checker'));
  if (usesChecker && !checker) fail(['checker'], 'a test compares with a checker, but no checker is given');

  const files: GradingFile[] = (file.files ?? []).map((rel, i) => ({
    path: path.basename(rel),
    content: read(rel, ['files', i]),
  }));

  const spec: GradingSpec = { version: 1, language: file.language, sources: file.sources, files, groups };
  if (file.assignment !== undefined) spec.assignment = file.assignment;
  if (file.build !== undefined) spec.build = file.build;
  if (file.run !== undefined) spec.run = file.run;
  if (file.mainClass !== undefined) spec.mainClass = file.mainClass;
  if (checker) spec.checker = checker;
  return spec;
}

function resolveTest(
  t: TestFile,
  g: GroupFile,
  file: SpecFile,
  at: (string | number)[],
  read: (rel: string, at: (string | number)[]) => string,
  fail: Fail,
): SpecTestCase {
  if (t.stdin !== undefined && t.stdinFile !== undefined) fail([...at, 'stdinFile'], 'give stdin or stdinFile, not both');
  if (t.stdout !== undefined && t.stdoutFile !== undefined) fail([...at, 'stdoutFile'], 'give stdout or stdoutFile, not both');
  const compare = resolveCompare(file.compare, g.compare, t.compare);
  const expectedStdout = t.stdoutFile !== undefined ? read(t.stdoutFile, [...at, 'stdoutFile']) : t.stdout;
  const expectedFiles: GradingFile[] = (t.files ?? []).map((f, i) => {
    if ((f.content === undefined) === (f.file === undefined)) fail([...at, 'files', i], 'give exactly one of content or file');
    return { path: f.path, content: f.content ?? read(f.file!, [...at, 'files', i, 'file']) };
  });
  if (expectedStdout === undefined && expectedFiles.length === 0 && compare.mode !== 'checker') {
    fail(at, 'needs an expected stdout (stdout or stdoutFile) or expected files');
  }
  const test: SpecTestCase = {
    name: t.name,
    public: t.public ?? g.public ?? false,
    stdin: t.stdinFile !== undefined ? read(t.stdinFile, [...at, 'stdinFile']) : (t.stdin ?? ''),
    args: t.args ?? [],
    expectedFiles,
    weight: t.weight ?? 1,
    limits: resolveLimits(file.limits, g.limits, t.limits),
    compare,
  };
  if (expectedStdout !== undefined) test.expectedStdout = expectedStdout;
  return test;
}

function resolveCompare(...layers: (CompareFile | undefined)[]): GradingCompare {
  let out: GradingCompare = { mode: 'trailing-whitespace' };
  for (const layer of layers) if (layer) out = layer.mode === out.mode ? { ...out, ...layer } : { ...layer };
  return out;
}

function readDataFile(baseDir: string, rel: string, at: (string | number)[], fail: Fail): string {
  const read = readFolderFile(baseDir, rel, MAX_DATA_FILE_BYTES);
  return read.ok ? read.content.toString('utf8') : fail(at, read.problem);
}
