// Grading a record again and saying whether it matched: verdict by verdict,
// and when a verdict differs, why — a different toolchain (its hash), a
// different sandbox, other sources, another specification or other limits,
// or a time near its limit. `compareGrades` is pure; `rerunGradeRecord`
// grades the record's files against its specification and compares.

import type { GradeProvenance, GradeRecordFile, GradeResult, TestRunRecord, Verdict } from '@classpod/protocol';
import { gradeFiles, type GradeOptions } from './grade-submission';
import { recordFiles } from './grade-record-file';
import { isSandboxName } from '../sandboxes/create-sandbox';

/** One test in both gradings. */
export interface RerunTest {
  group: string;
  name: string;
  /** The record's verdict, or null when the record has no such test. */
  record: Verdict | null;
  /** The rerun's verdict, or null when the rerun has no such test. */
  rerun: Verdict | null;
  matched: boolean;
}

/** Whether a rerun matched its record, and if not, why. */
export interface RerunReport {
  matched: boolean;
  score: { record: number; rerun: number; maxScore: number };
  compile: { record: string; rerun: string };
  tests: RerunTest[];
  /** What differs between the grader that made the record and this one, most likely cause first. */
  differences: string[];
  /** Why the verdicts differ; empty when they match. */
  reasons: string[];
}

const short = (hash: string): string => (hash.length > 19 ? `${hash.slice(0, 19)}…` : hash);
const key = (group: string, name: string): string => `${group}\0${name}`;

/** What differs between two provenances, causes of different verdicts first. */
function provenanceDifferences(a: GradeProvenance | undefined, b: GradeProvenance | undefined): { causes: string[]; context: string[] } {
  if (!a) return { causes: ['the record has no provenance: the grader that made it did not record its toolchain or sandbox'], context: [] };
  if (!b) return { causes: [], context: [] };
  const causes: string[] = [];
  const context: string[] = [];
  for (const t of a.toolchains) {
    const now = b.toolchains.find((x) => x.language === t.language);
    if (!now) causes.push(`toolchain of ${t.language}: the record used "${t.version}" (${short(t.hash)}); this grader did not use one`);
    else if (now.hash !== t.hash) {
      const versions = now.version === t.version ? `both say "${t.version}", but the programs differ` : `"${t.version}" in the record, "${now.version}" here`;
      causes.push(`toolchain of ${t.language} differs: ${versions} (hash ${short(t.hash)} in the record, ${short(now.hash)} here)`);
    }
  }
  if (a.sandbox.name !== b.sandbox.name) causes.push(`sandbox differs: ${a.sandbox.name} in the record, ${b.sandbox.name} here`);
  else if (a.sandbox.hash !== b.sandbox.hash) causes.push(`sandbox ${a.sandbox.name} differs: "${a.sandbox.version}" in the record, "${b.sandbox.version}" here`);
  if (a.sandbox.cgroups !== b.sandbox.cgroups) causes.push(`control groups: ${a.sandbox.cgroups ? 'used' : 'not used'} in the record, ${b.sandbox.cgroups ? 'used' : 'not used'} here (memory limits are enforced differently)`);
  if (a.sandbox.pinsCores !== b.sandbox.pinsCores) context.push(`core pinning: ${a.sandbox.pinsCores ? 'on' : 'off'} in the record, ${b.sandbox.pinsCores ? 'on' : 'off'} here`);
  if (a.host.kernel !== b.host.kernel) context.push(`kernel: ${a.host.kernel} in the record, ${b.host.kernel} here`);
  if (a.host.cpu !== b.host.cpu) context.push(`CPU: ${a.host.cpu} in the record, ${b.host.cpu} here`);
  const limitsOf = (p: GradeProvenance): Map<string, TestRunRecord> => new Map(p.tests.map((t) => [key(t.group, t.name), t]));
  const bl = limitsOf(b);
  for (const t of a.tests) {
    const now = bl.get(key(t.group, t.name));
    if (now && JSON.stringify(now.limits) !== JSON.stringify(t.limits)) causes.push(`limits of ${t.group}/${t.name} differ: ${JSON.stringify(t.limits)} in the record, ${JSON.stringify(now.limits)} here`);
  }
  return { causes, context };
}

/** Why a test whose verdict changed may have changed on its own: its times near the limit. */
function timingReason(test: RerunTest, a: GradeProvenance | undefined, b: GradeProvenance | undefined): string | null {
  const ra = a?.tests.find((t) => t.group === test.group && t.name === test.name);
  const rb = b?.tests.find((t) => t.group === test.group && t.name === test.name);
  if (!ra || !rb) return null;
  const pct = a?.timing.nearLimitPercent ?? 10;
  const timeOf = (r: TestRunRecord): number | null => (r.decidingRun === undefined ? null : (r.runs[r.decidingRun]?.timeMs ?? null));
  const ta = timeOf(ra);
  const tb = timeOf(rb);
  if (ta === null || tb === null) return null;
  const limit = ra.limits.timeMs;
  const near = (t: number): boolean => Math.abs(t - limit) <= (limit * pct) / 100;
  if (!near(ta) && !near(tb) && !['TLE', 'WLE'].includes(test.record ?? '') && !['TLE', 'WLE'].includes(test.rerun ?? '')) return null;
  return `${test.group}/${test.name} took ${Math.round(ta)} ms in the record and ${Math.round(tb)} ms now, against a limit of ${limit} ms`;
}

/** Compare a record with its rerun. */
export function compareGrades(record: GradeResult, rerun: GradeResult): RerunReport {
  const tests: RerunTest[] = [];
  const rerunTests = new Map(rerun.tests.map((t) => [key(t.group, t.name), t]));
  for (const t of record.tests) {
    const now = rerunTests.get(key(t.group, t.name));
    rerunTests.delete(key(t.group, t.name));
    tests.push({ group: t.group, name: t.name, record: t.verdict, rerun: now?.verdict ?? null, matched: now?.verdict === t.verdict });
  }
  for (const t of rerunTests.values()) tests.push({ group: t.group, name: t.name, record: null, rerun: t.verdict, matched: false });
  const matched = tests.every((t) => t.matched) && record.compile.status === rerun.compile.status && record.score === rerun.score;

  const { causes, context } = provenanceDifferences(record.provenance, rerun.provenance);
  if (record.specHash !== rerun.specHash) causes.unshift(`the specification differs (${short(record.specHash)} in the record, ${short(rerun.specHash)} here)`);
  if (record.sourceHash !== rerun.sourceHash) causes.unshift(`the sources differ (${short(record.sourceHash)} in the record, ${short(rerun.sourceHash)} here)`);
  const reasons: string[] = [];
  if (!matched) {
    reasons.push(...causes);
    for (const t of tests.filter((x) => !x.matched)) {
      const timing = timingReason(t, record.provenance, rerun.provenance);
      if (timing) reasons.push(timing);
    }
    if (reasons.length === 0) {
      reasons.push('nothing recorded differs (toolchains, sandbox, sources, specification and limits are the same): the program does not behave the same on every run');
    }
  }
  return {
    matched,
    score: { record: record.score, rerun: rerun.score, maxScore: record.maxScore },
    compile: { record: record.compile.status, rerun: rerun.compile.status },
    tests,
    differences: [...causes, ...context],
    reasons,
  };
}

/** Grade a record's files against its specification again and compare. Default sandbox: the record's. */
export async function rerunGradeRecord(record: GradeRecordFile, options: GradeOptions = {}): Promise<{ report: RerunReport; rerun: GradeResult }> {
  const recorded = record.result.provenance?.sandbox.name ?? record.result.sandbox;
  const sandbox = options.sandbox ?? (isSandboxName(recorded) ? recorded : 'none');
  const rerun = await gradeFiles(record.spec, recordFiles(record), {
    ...(record.result.provenance?.snapshotHash ? { snapshotHash: record.result.provenance.snapshotHash } : {}),
    ...options,
    // The record's time-fair policy, unless the caller changes it.
    timing: { ...record.result.provenance?.timing, ...options.timing },
    sandbox,
  });
  return { report: compareGrades(record.result, rerun), rerun };
}

/** The report as text for a terminal. */
export function formatRerunReport(report: RerunReport): string {
  const lines = [report.matched ? 'rerun MATCHED the record' : 'rerun DIFFERS from the record'];
  lines.push(`score: ${report.score.record} in the record, ${report.score.rerun} now (of ${report.score.maxScore})`);
  if (report.compile.record !== report.compile.rerun) lines.push(`build: ${report.compile.record} in the record, ${report.compile.rerun} now`);
  for (const t of report.tests) lines.push(`  ${t.matched ? 'same' : 'DIFF'}  ${t.group}/${t.name}: ${t.record ?? '-'} → ${t.rerun ?? '-'}`);
  if (report.reasons.length > 0) lines.push('why:', ...report.reasons.map((r) => `  - ${r}`));
  const other = report.differences.filter((d) => !report.reasons.includes(d));
  if (other.length > 0) lines.push('other differences:', ...other.map((d) => `  - ${d}`));
  return lines.join('\n');
}
