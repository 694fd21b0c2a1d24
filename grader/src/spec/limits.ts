// Default limits, in one place, and how a spec's friendly units (MiB, KiB)
// become the resolved limits every sandbox understands.

import type { GradingLimits } from '@classpod/protocol';
import type { LimitsFile } from './spec-schema';

/** Limits used when a spec names none. */
export const DEFAULT_LIMITS: Readonly<Required<LimitsFile>> = {
  timeMs: 1000,
  wallMs: 0, // 0: derived from timeMs
  memoryMb: 256,
  processes: 1,
  outputKb: 1024,
  fileSizeKb: 1024,
};

/** Wall-clock limit derived from a CPU limit when none is given. */
export function defaultWallMs(timeMs: number): number {
  return timeMs * 2 + 1000;
}

/** Merge limit layers (spec, group, test: later wins) into resolved limits. */
export function resolveLimits(...layers: (LimitsFile | undefined)[]): GradingLimits {
  const merged: LimitsFile = {};
  for (const layer of layers) if (layer) Object.assign(merged, layer);
  const timeMs = merged.timeMs ?? DEFAULT_LIMITS.timeMs;
  return {
    timeMs,
    wallMs: merged.wallMs ?? defaultWallMs(timeMs),
    memoryKb: (merged.memoryMb ?? DEFAULT_LIMITS.memoryMb) * 1024,
    processes: merged.processes ?? DEFAULT_LIMITS.processes,
    outputKb: merged.outputKb ?? DEFAULT_LIMITS.outputKb,
    fileSizeKb: merged.fileSizeKb ?? DEFAULT_LIMITS.fileSizeKb,
  };
}

/** Limits of a build step: generous, since compilers are trusted but still boxed. */
export const BUILD_LIMITS: GradingLimits = {
  timeMs: 30000,
  wallMs: 60000,
  memoryKb: 1024 * 1024,
  processes: 64,
  outputKb: 256,
  fileSizeKb: 256 * 1024,
};
