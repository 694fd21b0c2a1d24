// "Rerun like the grader": how a graded test's verdict compares with the same
// test run again in a workspace under the same limits, and why the two may
// differ — other sources, another sandbox, other toolchains, a run near a
// limit — or what the records lack to tell. Plain logic over both results'
// fields; the words come from result-text.

import type { GradeResult, GradingLimits, TestCaseResult, TestResultView } from '@classpod/protocol';
import { passMark, testLabel, verdictAndMessage, verdictName } from './result-text';

/** What a run was computed from, as `name → value` (sandbox, sourceHash, toolchain…). */
export type Provenance = Readonly<Record<string, string>>;

export interface RerunInput {
  /** The graded test, as the hub shows it to this person. */
  graded: TestResultView;
  hiddenTests: number;
  /** The grade record's provenance (results/get). */
  gradedProvenance: Provenance;
  /** The same test run in the workspace. */
  rerun: TestCaseResult;
  /** The workspace run's provenance. */
  rerunProvenance: Provenance;
  /** The test's limits, from the public specification. */
  limits?: GradingLimits;
  /** "your workspace", "Ada Lovelace's workspace". */
  where: string;
}

export interface RerunComparison {
  /** Same verdict as the grader's. */
  same: boolean;
  /** One sentence for a notification. */
  summary: string;
  /** Why the verdicts may differ, or what could not be compared. */
  reasons: string[];
  /** The whole report, for the output and the test message. */
  lines: string[];
}

/** Share of a limit within which a run's measurement makes its verdict depend on the machine. */
const NEAR_LIMIT = 0.1;

const short = (hash: string): string => hash.replace(/^sha256:/, '').slice(0, 12);

/** Entries that name a toolchain (`toolchain`, `toolchainHash`, `toolchain.gcc`, …). */
function toolchainOf(p: Provenance): Map<string, string> {
  return new Map(Object.entries(p).filter(([k]) => /^toolchain/i.test(k)));
}

/** Compare a graded test with its rerun. */
export function compareRerun(input: RerunInput): RerunComparison {
  const { graded, rerun, where } = input;
  const same = graded.verdict === rerun.verdict;
  const reasons: string[] = [];

  const gradedSources = input.gradedProvenance.sourceHash;
  const rerunSources = input.rerunProvenance.sourceHash;
  if (!gradedSources) reasons.push('The grade record names no source hash, so it cannot say whether the same files ran.');
  else if (rerunSources && rerunSources !== gradedSources) {
    reasons.push(`The sources in ${where} are not the submitted ones (${short(rerunSources)} here, ${short(gradedSources)} graded): the rerun ran the files as they are now.`);
  }

  const gradedSandbox = input.gradedProvenance.sandbox;
  const rerunSandbox = input.rerunProvenance.sandbox;
  if (gradedSandbox && rerunSandbox && gradedSandbox !== rerunSandbox) {
    reasons.push(`The grader ran it in the \`${gradedSandbox}\` sandbox, ${where} in \`${rerunSandbox}\`: limits are measured and enforced differently.`);
  }

  const gradedTools = toolchainOf(input.gradedProvenance);
  const rerunTools = toolchainOf(input.rerunProvenance);
  if (gradedTools.size === 0) reasons.push('The grade record names no toolchain, so the compilers and runtimes cannot be compared.');
  else if (rerunTools.size === 0) reasons.push(`The run in ${where} does not report its toolchain, so the compilers and runtimes cannot be compared.`);
  else {
    for (const [k, v] of gradedTools) {
      const mine = rerunTools.get(k);
      if (mine === undefined) reasons.push(`The run in ${where} does not report ${k} (graded: ${v}).`);
      else if (mine !== v) reasons.push(`Different toolchain: ${k} is ${short(mine)} in ${where}, ${short(v)} on the grader.`);
    }
  }

  const limits = input.limits;
  if (limits) {
    const near = (used: number | undefined, limit: number): boolean => used !== undefined && Math.abs(used - limit) <= limit * NEAR_LIMIT;
    const timeCodes = ['TLE', 'WLE'];
    if (timeCodes.includes(graded.verdict) || timeCodes.includes(rerun.verdict) || near(graded.timeMs, limits.timeMs) || near(rerun.timeMs, limits.timeMs)) {
      reasons.push(
        `CPU time ${graded.timeMs !== undefined ? `${Math.round(graded.timeMs)} ms on the grader, ` : ''}${Math.round(rerun.timeMs)} ms in ${where}, limit ${limits.timeMs} ms: a run this close to its limit depends on the machine.`,
      );
    }
    if (graded.verdict === 'MLE' || rerun.verdict === 'MLE' || near(graded.memoryKb, limits.memoryKb) || near(rerun.memoryKb, limits.memoryKb)) {
      reasons.push(
        `Memory ${graded.memoryKb !== undefined ? `${graded.memoryKb} KiB on the grader, ` : ''}${rerun.memoryKb} KiB in ${where}, limit ${limits.memoryKb} KiB.`,
      );
    }
  }

  const label = testLabel(graded, input.hiddenTests);
  const summary = same
    ? `Rerun of ${label} in ${where}: ${verdictName(rerun.verdict)}, the same as the grader.`
    : `Rerun of ${label} in ${where}: ${verdictName(rerun.verdict)}, but the grader said ${verdictName(graded.verdict)}.`;
  const lines = [
    `── Rerun like the grader: ${label} ──`,
    `Grader:   ${passMark(graded)} ${verdictAndMessage(graded).split('\n')[0]}`,
    `${where.charAt(0).toUpperCase()}${where.slice(1)}: ${passMark(rerun)} ${verdictAndMessage(rerun).split('\n')[0]}`,
    same ? 'Same verdict.' : 'The verdicts differ.',
  ];
  if (reasons.length > 0) lines.push(same ? 'Still, note:' : 'Why they may differ:', ...reasons.map((r) => `  • ${r}`));
  return { same, summary, reasons, lines };
}

/**
 * A workspace run's provenance, in the form the hub gives a grade's
 * (`results/get`): the sandbox and hashes it reports, and each toolchain as
 * `toolchain.<language>` = `version · hash` with their combined `toolchainHash`.
 */
export function provenanceOfRun(result: Pick<GradeResult, 'sandbox' | 'specHash' | 'sourceHash' | 'provenance'>): Record<string, string> {
  const out: Record<string, string> = { sandbox: result.sandbox, specHash: result.specHash, sourceHash: result.sourceHash };
  const p = result.provenance;
  if (p) {
    out.toolchainHash = p.toolchainHash;
    for (const t of p.toolchains) out[`toolchain.${t.language}`] = `${t.version} · ${t.hash}`;
  }
  return out;
}
