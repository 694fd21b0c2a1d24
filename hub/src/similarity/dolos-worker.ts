// The comparing process: reads a ComparisonInput (JSON) on stdin, runs
// Dolos over it and writes a ComparisonOutput (JSON) on stdout. It runs as
// a child of the hub so that a parser that fails on a hostile file, or a
// class that outgrows the heap, ends this process and not the hub.

import type { ComparedPair, ComparisonInput, ComparisonOutput } from './comparison';
import { rankPairs } from './rank-pairs';

type DolosLib = typeof import('@dodona/dolos-lib', { with: { 'resolution-mode': 'import' } });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Compare the files of `input` with Dolos. */
export async function compareWithDolos(input: ComparisonInput, dolos?: DolosLib): Promise<ComparisonOutput> {
  const lib = dolos ?? (await import('@dodona/dolos-lib'));
  if (input.files.length === 0) return { otherLanguage: [], pairs: [], problem: 'no submitted source file to compare' };
  const named = input.files.map((f, i) => new lib.File(`${i}/${f.path}`, f.content));
  let language;
  try {
    language = new lib.LanguagePicker().detectLanguage(named);
  } catch {
    return { otherLanguage: input.files.map((_, i) => i), pairs: [], problem: 'no submitted file is in a language Dolos reads (by its extension)' };
  }
  const kept: number[] = [];
  const otherLanguage: number[] = [];
  named.forEach((f, i) => (language.extensionMatches(f.path) ? kept : otherLanguage).push(i));
  const ownersKept = new Set(kept.map((i) => input.files[i]!.owner));
  if (ownersKept.size < 2) return { language: language.name, otherLanguage, pairs: [], problem: 'fewer than two submissions have a file to compare' };
  const starter = input.starter.filter((s) => language.extensionMatches(s.path));
  const template = starter.length > 0 ? new lib.File('starter', starter.map((s) => s.content).join('\n')) : undefined;
  const files = kept.map((i) => new lib.File(`${i}/${input.files[i]!.path}`, input.files[i]!.content));
  const report = await new lib.Dolos({ language: language.name }).analyze(files, 'similarity', template);
  const indexOf = new Map(report.files.map((f) => [f, Number(f.path.slice(0, f.path.indexOf('/')))]));
  const scored = report.allPairs().map((p) => ({
    dolos: p,
    left: indexOf.get(p.leftFile)!,
    right: indexOf.get(p.rightFile)!,
    similarity: p.similarity,
    longest: p.longest,
    overlap: p.overlap,
  }));
  const ranked = rankPairs(scored, (i) => input.files[i]!.owner, (o) => input.owners[o]!.earlier, input.maxPairs);
  const pairs: ComparedPair[] = ranked.map((p) => {
    const fragments = p.dolos
      .buildFragments()
      .map((f) => ({ left: region(f.leftSelection), right: region(f.rightSelection), size: f.pairs.length }))
      .sort((x, y) => y.size - x.size || x.left.startRow - y.left.startRow)
      .map(({ left, right }) => ({ left, right }));
    return { left: p.left, right: p.right, similarity: p.similarity, longest: p.longest, overlap: p.overlap, fragments };
  });
  return { language: language.name, otherLanguage, pairs };
}

function region(r: { startRow: number; startCol: number; endRow: number; endCol: number }): { startRow: number; startCol: number; endRow: number; endCol: number } {
  return { startRow: r.startRow, startCol: r.startCol, endRow: r.endRow, endCol: r.endCol };
}

if (require.main === module) {
  readStdin()
    .then(async (text) => {
      const out = await compareWithDolos(JSON.parse(text) as ComparisonInput);
      process.stdout.write(JSON.stringify(out), () => process.exit(0));
    })
    .catch((err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(2);
    });
}
