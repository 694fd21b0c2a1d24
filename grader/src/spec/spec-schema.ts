// The schema of a specification file as a teacher writes it (YAML or JSON):
// limits in friendly units, test data inline or in files beside the spec.
// `loadSpec` validates a file against it and resolves it into a GradingSpec.

import { Type, type Static } from '@classpod/protocol';

const Language = Type.Union(
  [Type.Literal('c'), Type.Literal('cpp'), Type.Literal('python'), Type.Literal('java'), Type.Literal('javascript')],
  { description: 'c (gcc), cpp (g++), python (python3), java (javac + java), javascript (node)' },
);

/** Limits as written in a spec; every field optional, defaults in `limits.ts`. */
export const LimitsFile = Type.Object(
  {
    timeMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600000, description: 'CPU time limit in milliseconds' })),
    wallMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1200000, description: 'Wall-clock limit in milliseconds' })),
    memoryMb: Type.Optional(Type.Integer({ minimum: 1, maximum: 65536, description: 'Memory limit in MiB' })),
    processes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'Processes and threads at once' })),
    outputKb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1048576, description: 'Standard output + error cap in KiB' })),
    fileSizeKb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1048576, description: 'Largest file written, in KiB' })),
  },
  { additionalProperties: false },
);

export const CompareFile = Type.Object(
  {
    mode: Type.Union(
      [Type.Literal('exact'), Type.Literal('trailing-whitespace'), Type.Literal('tokens'), Type.Literal('float'), Type.Literal('checker')],
      { description: 'exact | trailing-whitespace | tokens | float | checker' },
    ),
    absTolerance: Type.Optional(Type.Number({ minimum: 0, description: 'float: absolute tolerance' })),
    relTolerance: Type.Optional(Type.Number({ minimum: 0, description: 'float: relative tolerance' })),
    ignoreCase: Type.Optional(Type.Boolean({ description: 'tokens: ignore letter case' })),
  },
  { additionalProperties: false },
);

const RelPath = Type.String({ minLength: 1, maxLength: 255, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\\\:]+$' });

export const ExpectedFileFile = Type.Object(
  {
    path: RelPath,
    content: Type.Optional(Type.String({ description: 'Expected content inline' })),
    file: Type.Optional(Type.String({ description: 'Expected content from this file, relative to the spec' })),
  },
  { additionalProperties: false },
);

export const TestFile = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    public: Type.Optional(Type.Boolean({ description: 'Students see this test (default: the group’s setting)' })),
    stdin: Type.Optional(Type.String()),
    stdinFile: Type.Optional(Type.String({ description: 'Standard input from this file, relative to the spec' })),
    args: Type.Optional(Type.Array(Type.String())),
    stdout: Type.Optional(Type.String()),
    stdoutFile: Type.Optional(Type.String({ description: 'Expected standard output from this file' })),
    files: Type.Optional(Type.Array(ExpectedFileFile, { description: 'Files the program must write' })),
    weight: Type.Optional(Type.Number({ minimum: 0 })),
    limits: Type.Optional(LimitsFile),
    compare: Type.Optional(CompareFile),
  },
  { additionalProperties: false },
);

export const GroupFile = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    scoring: Type.Optional(Type.Union([Type.Literal('sum'), Type.Literal('all-or-nothing')])),
    points: Type.Optional(Type.Number({ minimum: 0, description: 'Default: the sum of the test weights' })),
    public: Type.Optional(Type.Boolean({ description: 'Default for the group’s tests (default false)' })),
    limits: Type.Optional(LimitsFile),
    compare: Type.Optional(CompareFile),
    tests: Type.Array(TestFile, { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** A specification file. */
export const SpecFile = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Optional(Type.Literal(1)),
    assignment: Type.Optional(Type.String({ maxLength: 100 })),
    language: Language,
    sources: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1 }),
    files: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Grader files copied into every box' })),
    build: Type.Optional(Type.Array(Type.String())),
    run: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    mainClass: Type.Optional(Type.String()),
    checker: Type.Optional(
      Type.Object({ language: Language, source: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ),
    limits: Type.Optional(LimitsFile),
    compare: Type.Optional(CompareFile),
    groups: Type.Optional(Type.Array(GroupFile, { minItems: 1 })),
    tests: Type.Optional(Type.Array(TestFile, { minItems: 1 })),
  },
  { additionalProperties: false, title: 'Classpod test specification' },
);
export type SpecFile = Static<typeof SpecFile>;
export type TestFile = Static<typeof TestFile>;
export type GroupFile = Static<typeof GroupFile>;
export type LimitsFile = Static<typeof LimitsFile>;
export type CompareFile = Static<typeof CompareFile>;

/** The schema as a JSON Schema document (published as grader/spec.schema.json). */
export function specJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://classpod.dev/schemas/grader-spec.json',
    ...(JSON.parse(JSON.stringify(SpecFile)) as Record<string, unknown>),
  };
}
