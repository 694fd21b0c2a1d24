// Turning an assignment's `grading/spec.yaml` into the resolved grading
// specification (hidden tests included) and its public part, with the grader
// package's own loader, so the hub, the workspace and the grader read a
// specification the same way.

import { GradingSpec, type GradingSpec as GradingSpecType } from '@classpod/protocol';
import { validator } from '@classpod/protocol';

/** A specification and what students may see of it. */
export interface ResolvedSpec {
  spec: GradingSpecType;
  publicSpec: GradingSpecType;
}

/** Resolves a spec file (path on disk) — the grader's `loadSpec` + `publicSpec`. */
export type SpecResolver = (specFile: string) => ResolvedSpec;

const checkSpec = validator(GradingSpec);

interface GraderSpecApi {
  loadSpec(file: string): GradingSpecType;
  publicSpec(spec: GradingSpecType): GradingSpecType;
}

/** The grader package's resolver. */
export function graderSpecResolver(): SpecResolver {
  return (specFile) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const grader = require('@classpod/grader') as Partial<GraderSpecApi>;
    if (typeof grader.loadSpec !== 'function' || typeof grader.publicSpec !== 'function') {
      throw new Error('the @classpod/grader package does not export loadSpec and publicSpec');
    }
    const spec = checkSpec.assert(grader.loadSpec(specFile), `specification ${specFile}`);
    return { spec, publicSpec: checkSpec.assert(grader.publicSpec(spec), `public part of ${specFile}`) };
  };
}

/** Points a specification is worth. */
export function maxScoreOf(spec: GradingSpecType): number {
  return spec.groups.reduce((n, g) => n + g.points, 0) + 0;
}
