// The gradebook as HTML for a VS Code webview: the page (a strict content
// security policy that admits only this extension's script and style with the
// page's nonce, nothing remote, and colours from the theme's --vscode-*
// variables) and its table, which is rendered again after every search, sort
// or filter. Every text from the hub is escaped here, once. Cells are grid
// cells a keyboard reaches (one is in the tab order; the arrow keys move
// between them and Enter opens one), and each says in words what it marks.

import type { GradebookAssignment, GradebookCell } from '@classpod/protocol';
import { lateDaysCount } from '../../deadlines/late-days-text';
import { formatAbsolute, formatShort } from '../../deadlines/time-format';
import { CELL_FILTERS, HISTOGRAM_BINS, type ColumnSummary, type Gradebook, type GradebookQuery, type GradebookRow, type SortColumn } from './gradebook-model';
import { rubricPoints } from '../../results/result-text';

/** What the page needs from the webview it is shown in. */
export interface GradebookPage {
  /** The course's title, for the heading. */
  title: string;
  /** A fresh random value per page load (letters and digits). */
  nonce: string;
  /** The webview's own source for `style-src` and `script-src` (`webview.cspSource`). */
  cspSource: string;
  /** The page's script, as a webview URI. */
  scriptUri: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text safe inside an element or a double-quoted attribute (the only kind this page writes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

/** The content security policy of the page. */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [`default-src 'none'`, `style-src ${cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

/** A score as people write it: 7, 7.5, 7.25. */
export function formatScore(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** The column id a sort button sends back. */
export function sortColumnId(column: SortColumn): string {
  return column.kind === 'assignment' ? `a:${column.assignmentId}` : column.kind;
}

/** The sort column a button's id names; undefined for anything else. */
export function parseSortColumn(id: string, assignments: readonly GradebookAssignment[]): SortColumn | undefined {
  if (id === 'student' || id === 'total') return { kind: id };
  if (id.startsWith('a:') && assignments.some((a) => a.id === id.slice(2))) return { kind: 'assignment', assignmentId: id.slice(2) };
  return undefined;
}

/** A mark beside a cell's score. */
export interface CellMark {
  kind: 'late' | 'late-days' | 'rubric' | 'overridden' | 'extended';
  text: string;
}

/** What a cell says: its text, its marks, and the sentence a screen reader reads. */
export function describeCell(cell: GradebookCell, assignment: GradebookAssignment, who: string): { text: string; marks: CellMark[]; label: string } {
  const marks: CellMark[] = [];
  if (cell.late) marks.push({ kind: 'late', text: cell.penaltyPercent > 0 ? `late −${formatScore(cell.penaltyPercent)}%` : 'late' });
  if (cell.lateDaysUsed) marks.push({ kind: 'late-days', text: lateDaysCount(cell.lateDaysUsed) + ' used' });
  if (cell.rubricPoints !== undefined && !cell.overridden) marks.push({ kind: 'rubric', text: `rubric ${rubricPoints(cell.rubricPoints)}` });
  if (cell.overridden) marks.push({ kind: 'overridden', text: 'overridden' });
  if (cell.extended) marks.push({ kind: 'extended', text: 'extended' });
  let text: string;
  let spoken: string;
  if (cell.submissionId === undefined) {
    text = cell.state === 'in progress' ? 'in progress' : 'not submitted';
    spoken = cell.state === 'in progress' ? 'not submitted, in progress' : 'not submitted, not started';
  } else if (cell.score !== undefined) {
    text = cell.maxScore !== undefined ? `${formatScore(cell.score)}/${formatScore(cell.maxScore)}` : formatScore(cell.score);
    spoken = cell.maxScore !== undefined ? `${formatScore(cell.score)} of ${formatScore(cell.maxScore)}` : formatScore(cell.score);
  } else {
    text = cell.status === 'failed' ? 'failed' : cell.status === 'grading' ? 'grading' : 'queued';
    spoken = `submitted, ${text}`;
  }
  const opens = cell.submissionId === undefined ? 'Enter shows the student in the Cluster view' : 'Enter opens the submission in the Cluster view';
  return { text, marks, label: `${who}, ${assignment.title}: ${[spoken, ...marks.map((m) => m.text)].join(', ')}. ${opens}.` };
}

/** The whole page, with the table as the query shows it. */
export function gradebookPage(page: GradebookPage, book: Gradebook, query: GradebookQuery): string {
  const nonce = escapeHtml(page.nonce);
  const rows = book.view(query);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.nonce, page.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gradebook: ${escapeHtml(page.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header class="toolbar">
<h1>Gradebook: ${escapeHtml(page.title)}</h1>
<input id="search" type="search" aria-label="Search students by name, id or email" placeholder="Search by name, id or email" value="${escapeHtml(query.search)}">
<span id="status" role="status" aria-live="polite">${escapeHtml(statusText(rows.length, book.classSize(query)))}</span>
<span class="spacer"></span>
<button id="refresh" type="button" class="secondary">Refresh</button>
<button id="export" type="button">Export Grades as CSV…</button>
</header>
<main id="table">${gradebookTable(book, rows, query)}</main>
<script nonce="${nonce}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}

/** "Showing 12 of 300 students". */
export function statusText(shown: number, total: number): string {
  const noun = total === 1 ? 'student' : 'students';
  return shown === total ? `${total} ${noun}` : `Showing ${shown} of ${total} ${noun}`;
}

/** The table: headings that sort, a filter per assignment, the class's histogram and counts, a row per student kept by the query. */
export function gradebookTable(book: Gradebook, rows: readonly GradebookRow[], query: GradebookQuery): string {
  const out: string[] = [];
  const cols = book.assignments.length + 2;
  out.push(`<table role="grid" aria-label="Gradebook" aria-rowcount="${rows.length + 3}" aria-colcount="${cols}">`);
  out.push('<thead><tr class="heads">');
  out.push(heading('Student', { kind: 'student' }, query));
  for (const a of book.assignments) out.push(heading(a.title, { kind: 'assignment', assignmentId: a.id }, query, a));
  out.push(heading('Total', { kind: 'total' }, query));
  out.push('</tr><tr class="filters"><th scope="row">Filter</th>');
  for (const a of book.assignments) {
    const current = query.filters[a.id] ?? 'all';
    const options = CELL_FILTERS.map((f) => `<option value="${f}"${f === current ? ' selected' : ''}>${f === 'all' ? 'everybody' : f}</option>`).join('');
    out.push(`<th><select data-filter="${escapeHtml(a.id)}" data-focus="filter:${escapeHtml(a.id)}" aria-label="Filter ${escapeHtml(a.title)}">${options}</select></th>`);
  }
  out.push('<th></th></tr><tr class="summary"><th scope="row">Class</th>');
  for (const c of book.columns) out.push(`<td>${summaryHtml(c)}</td>`);
  out.push('<td></td></tr></thead><tbody>');
  for (const r of rows) out.push(rowHtml(book, r));
  out.push('</tbody></table>');
  if (rows.length === 0) out.push(`<p class="empty">No student matches the search and filters.</p>`);
  if (book.withdrawnCount > 0) {
    const n = book.withdrawnCount;
    out.push(
      `<p class="withdrawn-toggle"><label><input type="checkbox" data-withdrawn data-focus="withdrawn"${query.withdrawn ? ' checked' : ''}> Show ${n} withdrawn ${n === 1 ? 'student' : 'students'} (their grades are kept; the class's statistics leave them out)</label></p>`,
    );
  }
  return out.join('');
}

function heading(text: string, column: SortColumn, query: GradebookQuery, a?: GradebookAssignment): string {
  const id = sortColumnId(column);
  const active = sortColumnId(query.sort) === id;
  const sort = active ? (query.descending ? 'descending' : 'ascending') : 'none';
  const arrow = active ? (query.descending ? ' ▼' : ' ▲') : '';
  const next = active && !query.descending ? 'descending' : 'ascending';
  // The date in the professor's own time zone (a UTC date can be the day before or after), in full on hover.
  const due = a?.dueAt ? `<div class="due" title="${escapeHtml(`Due ${formatAbsolute(new Date(a.dueAt))}`)}">due ${escapeHtml(formatShort(new Date(a.dueAt)))}</div>` : '';
  return `<th scope="col" aria-sort="${sort}"><button type="button" class="sort" data-sort="${escapeHtml(id)}" data-focus="sort:${escapeHtml(id)}" title="Sort by ${escapeHtml(text)}, ${next}">${escapeHtml(text)}${arrow}</button>${due}</th>`;
}

function summaryHtml(c: ColumnSummary): string {
  const most = Math.max(1, ...c.histogram);
  const bars = c.histogram
    .map((n, i) => {
      const h = n === 0 ? 0 : Math.max(1, Math.round((n / most) * 22));
      return `<rect class="bar" x="${i * 10}" y="${24 - h}" width="9" height="${h}"></rect>`;
    })
    .join('');
  const top = c.assignment.maxScore;
  const ranges = c.histogram.map((n, i) => `${formatScore(c.binStarts[i]!)}${i === HISTOGRAM_BINS - 1 ? (top !== undefined ? `–${formatScore(top)}` : '+') : `–${formatScore(c.binStarts[i + 1]!)}`}: ${n}`);
  const label = `Scores of ${c.assignment.title}: ${ranges.join(', ')}`;
  const mean = c.mean !== undefined ? ` · mean ${formatScore(c.mean)}` : '';
  return (
    `<svg class="histogram" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 100 25" width="100" height="25"><title>${escapeHtml(label)}</title><line class="axis" x1="0" y1="24.5" x2="100" y2="24.5"></line>${bars}</svg>` +
    `<div class="counts">${c.notStarted} not started · ${c.inProgress} in progress · ${c.submitted} submitted${mean}</div>`
  );
}

function rowHtml(book: Gradebook, r: GradebookRow): string {
  const id = escapeHtml(r.student.id);
  const cells = r.cells.map((cell, i) => {
    const a = book.assignments[i]!;
    const d = describeCell(cell, a, r.label);
    const classes = ['cell', cell.submissionId === undefined ? 'none' : 'handed-in', ...(cell.late ? ['late'] : []), ...(cell.overridden ? ['overridden'] : [])];
    const marks = d.marks.map((m) => `<span class="mark ${m.kind}">${escapeHtml(m.text)}</span>`).join('');
    return `<td role="gridcell" tabindex="-1" class="${classes.join(' ')}" data-student="${id}" data-assignment="${escapeHtml(a.id)}" data-focus="cell:${id}/${escapeHtml(a.id)}" aria-label="${escapeHtml(d.label)}"><span class="score">${escapeHtml(d.text)}</span>${marks}</td>`;
  });
  const total = r.totalMax > 0 ? `${formatScore(r.total)}/${formatScore(r.totalMax)}` : formatScore(r.total);
  const withdrawn = r.student.withdrawn ? ' <span class="mark withdrawn">withdrawn</span>' : '';
  const lateDays =
    r.student.lateDaysRemaining !== undefined
      ? ` <span class="late-days-left" title="${escapeHtml(`${r.student.lateDaysRemaining} of ${r.student.lateDaysTotal ?? r.student.lateDaysRemaining} late days left`)}">${escapeHtml(`${lateDaysCount(r.student.lateDaysRemaining)} left`)}</span>`
      : '';
  return `<tr data-student="${id}"${r.student.withdrawn ? ' class="withdrawn"' : ''}><th scope="row" class="name"><span class="label">${escapeHtml(r.label)}</span> <span class="id">${id}</span>${withdrawn}${lateDays}</th>${cells.join('')}<td class="total">${escapeHtml(total)}</td></tr>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px 12px; }
.toolbar { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 8px; padding: 8px 0; background: var(--vscode-editor-background); }
.toolbar h1 { font-size: 1.1em; font-weight: 600; margin: 0 8px 0 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.toolbar button, #status { white-space: nowrap; }
.spacer { flex: 1; }
#status { color: var(--vscode-descriptionForeground); }
input[type=search], select { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; font: inherit; }
input[type=search] { width: 22em; }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border-color: var(--vscode-dropdown-border, transparent); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; font: inherit; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button.sort { background: none; color: var(--vscode-foreground); padding: 0; font-weight: 600; text-align: left; }
button.sort:hover { text-decoration: underline; }
:focus-visible, td.cell:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); padding: 3px 8px; text-align: left; vertical-align: top; white-space: nowrap; }
thead th, thead td { background: var(--vscode-editor-background); }
.due, .id, .counts { color: var(--vscode-descriptionForeground); font-size: 0.9em; font-weight: normal; }
.histogram .bar { fill: var(--vscode-charts-blue); }
.histogram .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 0.5; }
td.cell { cursor: pointer; }
td.cell:hover { background: var(--vscode-list-hoverBackground); }
td.cell:focus { background: var(--vscode-list-focusBackground, var(--vscode-list-hoverBackground)); }
td.none .score { color: var(--vscode-descriptionForeground); font-style: italic; }
.mark { margin-left: 6px; padding: 0 4px; border-radius: 3px; font-size: 0.85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.mark.rubric { background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.mark.late { background: var(--vscode-inputValidation-warningBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); }
.mark.late-days { background: var(--vscode-inputValidation-warningBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); }
.late-days-left { color: var(--vscode-descriptionForeground); font-size: 0.9em; font-weight: normal; }
.mark.overridden { background: var(--vscode-inputValidation-infoBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); }
tr.withdrawn th, tr.withdrawn td { color: var(--vscode-disabledForeground); }
.withdrawn-toggle { margin: 8px 0; }
.total { font-weight: 600; }
.empty { color: var(--vscode-descriptionForeground); }
`;
