// The similarity check as HTML for VS Code webviews: the ranked pairs of a
// check, and one pair's two files side by side with the matching fragments
// highlighted in the same colour on both sides. The page's content security
// policy admits only this extension's script with the page's nonce, and its
// colours come from the theme (--vscode-* variables). Every text from the
// hub is escaped here. Each page opens with the notice that similarity is
// evidence for a person to judge.

import type { SimilarityPair, SimilarityRun } from '@classpod/protocol';
import { contentSecurityPolicy, escapeHtml } from '../gradebook/gradebook-html';
import { describePair, EVIDENCE_NOTICE, lineFragments, percent, runSummary, sideName, type OpenedPair } from './similarity-model';

/** What a page needs from its webview. */
export interface SimilarityPageFrame {
  title: string;
  nonce: string;
  cspSource: string;
  scriptUri: string;
}

/** Fragment colours, cycled. */
const FRAGMENT_COLOURS = 6;

function page(frame: SimilarityPageFrame, kind: 'pairs' | 'pair', body: string): string {
  const nonce = escapeHtml(frame.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(frame.nonce, frame.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(frame.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-page="${kind}">
<p class="notice" role="note">${escapeHtml(EVIDENCE_NOTICE)}</p>
${body}
<script nonce="${nonce}" src="${escapeHtml(frame.scriptUri)}"></script>
</body>
</html>
`;
}

/** The ranked pairs of a check (or its progress, or why it failed). */
export function pairsPage(frame: SimilarityPageFrame, run: SimilarityRun, pairs: readonly SimilarityPair[]): string {
  const rows = pairs.map((p) => {
    const d = describePair(p);
    return `<tr class="pair" tabindex="-1" data-pair="${escapeHtml(p.id)}" aria-label="${escapeHtml(d.label)}">
<td class="rank">${p.rank}</td>
<td class="students">${escapeHtml(sideName(p.left))} <span class="sep">↔</span> ${escapeHtml(sideName(p.right))}${d.earlier ? ` <span class="mark earlier">${escapeHtml(d.earlier)}</span>` : ''}<div class="paths">${escapeHtml(p.left.path)} · ${escapeHtml(p.right.path)}</div></td>
<td class="similarity"><span class="bar w${Math.round(p.similarity * 10)}" aria-hidden="true"></span>${escapeHtml(d.similarity)}</td>
<td class="longest">${escapeHtml(d.longest)}</td>
<td class="fragments">${p.fragmentCount}</td>
</tr>`;
  });
  const finished = run.state === 'done' || run.state === 'failed';
  const table =
    run.state !== 'done'
      ? ''
      : pairs.length === 0
        ? '<p class="empty">No two submissions share code.</p>'
        : `<table role="grid" aria-label="Pairs of students, the most similar first">
<thead><tr><th>#</th><th>Students</th><th>Similarity</th><th>Longest fragment</th><th>Fragments</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
  const skipped =
    run.skipped.length === 0
      ? ''
      : `<details class="skipped"><summary>${run.skippedCount} file${run.skippedCount === 1 ? '' : 's'} left out</summary><ul>${run.skipped.map((s) => `<li>${escapeHtml(s.studentId)}: ${escapeHtml(s.path)} — ${escapeHtml(s.reason)}</li>`).join('')}</ul></details>`;
  return page(
    frame,
    'pairs',
    `<header class="toolbar">
<h1>${escapeHtml(frame.title)}</h1>
<span id="status" role="status" aria-live="polite" class="${run.state}">${escapeHtml(runSummary(run))}</span>
<span class="spacer"></span>
${finished ? '<button id="rerun" type="button" class="secondary">Check Again</button>' : ''}
</header>
<main id="pairs">${table}${skipped}</main>`,
  );
}

function fileColumn(side: 'left' | 'right', who: string, path: string, content: string, fragments: OpenedPair['fragments']): string {
  const lines = content.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const cover = lineFragments(lines.length, fragments.map((f) => f[side]));
  const body = lines
    .map((text, i) => {
      const f = cover[i];
      const mark = f === undefined ? '' : ` class="frag f${f % FRAGMENT_COLOURS}" data-fragment="${f}"`;
      return `<tr${mark}><td class="ln">${i + 1}</td><td class="code">${escapeHtml(text) || ' '}</td></tr>`;
    })
    .join('');
  return `<section class="file" data-side="${side}" aria-label="${escapeHtml(`${who}: ${path}`)}">
<h2>${escapeHtml(who)} <span class="path">${escapeHtml(path)}</span></h2>
<div class="scroll"><table class="source">${body}</table></div>
</section>`;
}

/** One pair side by side: both files, the matching fragments in the same colour on each side. */
export function pairPage(frame: SimilarityPageFrame, opened: OpenedPair): string {
  const p = opened.pair;
  const d = describePair(p);
  const list = opened.fragments
    .map((f, i) => `<li><button type="button" class="fragment-link f${i % FRAGMENT_COLOURS}" data-fragment="${i}">Fragment ${i + 1}: lines ${f.left.startRow + 1}–${f.left.endRow + 1} ↔ ${f.right.startRow + 1}–${f.right.endRow + 1}</button></li>`)
    .join('');
  return page(
    frame,
    'pair',
    `<header class="toolbar">
<h1>${escapeHtml(d.students)}</h1>
<span id="status" role="status">${escapeHtml(`${percent(p.similarity)} similar · longest fragment ${d.longest} · ${p.fragmentCount} fragment${p.fragmentCount === 1 ? '' : 's'}`)}${d.earlier ? ` <span class="mark earlier">${escapeHtml(d.earlier)}</span>` : ''}</span>
</header>
<nav aria-label="Matching fragments (n and p move between them)"><ol class="fragment-list">${list}</ol></nav>
<main class="side-by-side">
${fileColumn('left', sideName(p.left), opened.left.path, opened.left.content, opened.fragments)}
${fileColumn('right', sideName(p.right), opened.right.path, opened.right.content, opened.fragments)}
</main>`,
  );
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px 12px; }
.notice { margin: 8px 0 0; padding: 6px 10px; border-left: 3px solid var(--vscode-inputValidation-infoBorder, var(--vscode-focusBorder)); background: var(--vscode-inputValidation-infoBackground, var(--vscode-editorWidget-background)); }
.toolbar { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 8px; padding: 8px 0; background: var(--vscode-editor-background); }
.toolbar h1 { font-size: 1.1em; font-weight: 600; margin: 0 8px 0 0; white-space: nowrap; }
.spacer { flex: 1; }
#status { color: var(--vscode-descriptionForeground); }
#status.failed { color: var(--vscode-errorForeground); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; font: inherit; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
:focus-visible, tr.pair:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); padding: 3px 8px; text-align: left; vertical-align: top; }
tr.pair { cursor: pointer; }
tr.pair:hover { background: var(--vscode-list-hoverBackground); }
tr.pair:focus { background: var(--vscode-list-focusBackground, var(--vscode-list-hoverBackground)); }
.paths, .path { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.similarity { white-space: nowrap; }
.bar { display: inline-block; width: 60px; height: 8px; margin-right: 6px; background: linear-gradient(to right, var(--vscode-charts-red) var(--w), var(--vscode-editorWidget-border, var(--vscode-panel-border)) var(--w)); }
.mark { margin-left: 6px; padding: 0 4px; border-radius: 3px; font-size: 0.85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.empty { color: var(--vscode-descriptionForeground); }
.skipped { margin-top: 12px; color: var(--vscode-descriptionForeground); }
.fragment-list { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; padding: 0; margin: 0 0 8px; }
.fragment-link { background: none; color: var(--vscode-textLink-foreground); padding: 0 4px; border-left: 4px solid transparent; }
.side-by-side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.file { min-width: 0; }
.file h2 { font-size: 1em; margin: 4px 0; }
.scroll { overflow: auto; max-height: calc(100vh - 170px); border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
table.source { min-width: 100%; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
table.source td { border: none; padding: 0 6px; white-space: pre; }
table.source td.ln { color: var(--vscode-editorLineNumber-foreground); text-align: right; user-select: none; width: 1%; }
tr.frag td.code, .fragment-link { border-left: 4px solid; }
tr.frag.current td.code { border-left-width: 8px; }
.f0 { --c: var(--vscode-charts-red); } .f1 { --c: var(--vscode-charts-blue); } .f2 { --c: var(--vscode-charts-green); }
.f3 { --c: var(--vscode-charts-orange); } .f4 { --c: var(--vscode-charts-purple); } .f5 { --c: var(--vscode-charts-yellow); }
${Array.from({ length: 11 }, (_, i) => `.bar.w${i} { --w: ${i * 10}%; }`).join(' ')}
tr.frag td.code { border-left-color: var(--c); background: color-mix(in srgb, var(--c) 22%, transparent); }
.fragment-link { border-left-color: var(--c); }
`;
