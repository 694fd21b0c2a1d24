// The gradebook's page as the webview gets it: a content security policy that
// admits nothing but the page's nonce and the webview's own source, no remote
// address anywhere, theme colours only, every text from the hub escaped, cells
// that say what they mark, and the messages a page may send, checked.

import * as assert from 'node:assert/strict';
import type { GradebookCell } from '@classpod/protocol';
import { contentSecurityPolicy, describeCell, escapeHtml, gradebookPage, gradebookTable, parseSortColumn, statusText } from '../../../../src/professor/gradebook/gradebook-html';
import { readMessage } from '../../../../src/professor/gradebook/gradebook-messages';
import { DEFAULT_QUERY, Gradebook } from '../../../../src/professor/gradebook/gradebook-model';
import { ASSIGNMENTS, classOf, studentId } from './class-of';

const PAGE = { title: 'Intro <b>Programming</b>', nonce: 'abc123', cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/gradebook.js' };

describe('gradebook page', () => {
  const book = new Gradebook(classOf(300));

  it('has a strict content security policy: nothing by default, scripts and styles by nonce', () => {
    const html = gradebookPage(PAGE, book, DEFAULT_QUERY);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'the page declares a policy');
    assert.equal(csp, escapeHtml(contentSecurityPolicy('abc123', PAGE.cspSource)));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="abc123" src="${PAGE.scriptUri}">`], 'one script, the extension’s own, with the nonce');
    const styles = [...html.matchAll(/<style\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(styles, ['<style nonce="abc123">']);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /\sstyle=/, 'no inline style attributes');
  });

  it('loads nothing remote and takes its colours from the theme', () => {
    const html = gradebookPage(PAGE, book, DEFAULT_QUERY);
    const addresses = [...html.matchAll(/(?:https?:)?\/\/[^\s"')<]+/g)].map((m) => m[0]).filter((u) => !u.startsWith(PAGE.cspSource) && !u.startsWith('http://www.w3.org/'));
    assert.deepEqual(addresses, []);
    const colours = [...html.matchAll(/(?<![a-z-])(?:color|background|fill|stroke|outline)(?:-color)?:\s*([^;}]+)/g)].map((m) => m[1]!.trim());
    assert.ok(colours.length > 10);
    for (const c of colours) assert.match(c, /var\(--vscode-|^none$|^1px solid var\(--vscode-/, `colour ${c} comes from the theme`);
  });

  it('escapes every text from the hub', () => {
    const hostile = new Gradebook({
      courseId: 'cs101',
      assignments: [{ id: 'a1', title: '<img src=x onerror=alert(1)>', maxScore: 10 }],
      students: [{ id: 'eve', name: '"><script>alert(1)</script>' }],
      cells: [{ studentId: 'eve', assignmentId: 'a1', state: 'graded', submissionId: 's1', score: 5, maxScore: 10, late: false, penaltyPercent: 0, overridden: false, extended: false, submissions: 1 }],
      serverTime: '2026-11-25T10:00:00.000Z',
    });
    const html = gradebookPage(PAGE, hostile, DEFAULT_QUERY);
    assert.doesNotMatch(html, /<img|<script>alert/);
    assert.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /Gradebook: Intro &lt;b&gt;Programming&lt;\/b&gt;/);
  });

  it('renders a row per student kept, one focusable cell per assignment, and the class summary', () => {
    const rows = book.view({ ...DEFAULT_QUERY, search: 'ada' });
    const html = gradebookTable(book, rows, DEFAULT_QUERY);
    assert.equal([...html.matchAll(/<tr data-student=/g)].length, rows.length);
    assert.equal([...html.matchAll(/role="gridcell" tabindex="-1"/g)].length, rows.length * ASSIGNMENTS.length, 'every cell is reachable by keyboard (the page holds one tab stop)');
    assert.equal([...html.matchAll(/<svg class="histogram" role="img"/g)].length, ASSIGNMENTS.length);
    const c = book.columns[1]!;
    assert.ok(html.includes(`${c.notStarted} not started · ${c.inProgress} in progress · ${c.submitted} submitted`));
    assert.equal([...html.matchAll(/<select data-filter=/g)].length, ASSIGNMENTS.length);
    assert.match(html, /aria-sort="ascending"><button type="button" class="sort" data-sort="student"/);
  });

  it('offers to show withdrawn students, and marks their rows', () => {
    const marked = new Gradebook({ ...classOf(20), students: classOf(20).students.map((s, i) => (i === 2 ? { ...s, withdrawn: true as const } : s)) });
    const hidden = gradebookTable(marked, marked.view(DEFAULT_QUERY), DEFAULT_QUERY);
    assert.match(hidden, /<input type="checkbox" data-withdrawn data-focus="withdrawn"> Show 1 withdrawn student /);
    assert.doesNotMatch(hidden, /class="withdrawn"/);
    const shown = gradebookTable(marked, marked.view({ ...DEFAULT_QUERY, withdrawn: true }), { ...DEFAULT_QUERY, withdrawn: true });
    assert.match(shown, /data-withdrawn data-focus="withdrawn" checked>/);
    assert.equal([...shown.matchAll(/<tr data-student="[^"]+" class="withdrawn">/g)].length, 1);
    assert.match(shown, /<span class="mark withdrawn">withdrawn<\/span>/);
    assert.doesNotMatch(gradebookTable(book, book.view(DEFAULT_QUERY), DEFAULT_QUERY), /data-withdrawn/, 'no such control when nobody is withdrawn');
  });

  it('says in a cell what it marks: score, late with its penalty, overridden, extended, not submitted', () => {
    const a = ASSIGNMENTS[1]!;
    const base: GradebookCell = { studentId: 'x', assignmentId: a.id, state: 'graded', submissionId: 's', status: 'graded', score: 42.5, maxScore: 100, late: true, penaltyPercent: 20, overridden: true, extended: true, submissions: 2 };
    const d = describeCell(base, a, 'Ada');
    assert.equal(d.text, '42.5/100');
    assert.deepEqual(d.marks.map((m) => m.text), ['late −20%', 'overridden', 'extended']);
    assert.equal(d.label, 'Ada, Sum and mean (C): 42.5 of 100, late −20%, overridden, extended. Enter opens the submission in the Cluster view.');
    assert.deepEqual(describeCell({ ...base, late: false, overridden: false, extended: false, rubricPoints: -5 }, a, 'Ada').marks, [{ kind: 'rubric', text: 'rubric −5' }], 'rubric points beside the score');
    assert.deepEqual(describeCell({ ...base, late: false, extended: false, rubricPoints: -5 }, a, 'Ada').marks.map((m) => m.kind), ['overridden'], 'an override replaces them');
    assert.equal(describeCell({ ...base, submissionId: undefined, score: undefined, state: 'not started', late: false, overridden: false, extended: false }, a, 'Ada').text, 'not submitted');
    assert.equal(describeCell({ ...base, submissionId: undefined, score: undefined, state: 'in progress', late: false, overridden: false }, a, 'Ada').text, 'in progress');
    assert.equal(describeCell({ ...base, score: undefined, status: 'queued', late: false, overridden: false }, a, 'Ada').text, 'queued');
    assert.equal(statusText(12, 300), 'Showing 12 of 300 students');
    assert.equal(statusText(1, 1), '1 student');
  });

  describe('messages from the page', () => {
    it('turns search, sort and filter into a new query', () => {
      const q1 = readMessage({ type: 'search', text: 'ada' }, DEFAULT_QUERY, book);
      assert.deepEqual(q1, { kind: 'query', query: { ...DEFAULT_QUERY, search: 'ada' } });
      const q2 = readMessage({ type: 'sort', column: 'a:c-sum' }, DEFAULT_QUERY, book);
      assert.deepEqual(q2, { kind: 'query', query: { ...DEFAULT_QUERY, sort: { kind: 'assignment', assignmentId: 'c-sum' }, descending: false } });
      assert.ok(q2?.kind === 'query');
      const q3 = readMessage({ type: 'sort', column: 'a:c-sum' }, q2.query, book);
      assert.ok(q3?.kind === 'query' && q3.query.descending, 'the same column again turns the order round');
      const q4 = readMessage({ type: 'filter', assignmentId: 'c-sum', filter: 'late' }, DEFAULT_QUERY, book);
      assert.deepEqual(q4, { kind: 'query', query: { ...DEFAULT_QUERY, filters: { 'c-sum': 'late' } } });
      assert.ok(q4?.kind === 'query');
      assert.deepEqual(readMessage({ type: 'filter', assignmentId: 'c-sum', filter: 'all' }, q4.query, book), { kind: 'query', query: DEFAULT_QUERY });
      assert.deepEqual(readMessage({ type: 'open', studentId: studentId(3), assignmentId: 'c-sum' }, DEFAULT_QUERY, book), { kind: 'open', studentId: studentId(3), assignmentId: 'c-sum' });
      assert.deepEqual(readMessage({ type: 'withdrawn', show: true }, DEFAULT_QUERY, book), { kind: 'query', query: { ...DEFAULT_QUERY, withdrawn: true } });
      for (const type of ['ready', 'export', 'refresh'] as const) assert.deepEqual(readMessage({ type }, DEFAULT_QUERY, book), { kind: type });
    });

    it('drops anything else', () => {
      const bad: unknown[] = [
        null,
        'search',
        [1, 2],
        { type: 'search', text: 42 },
        { type: 'sort', column: 'a:no-such' },
        { type: 'sort', column: '__proto__' },
        { type: 'filter', assignmentId: 'c-sum', filter: 'everything' },
        { type: 'filter', assignmentId: '__proto__', filter: 'late' },
        { type: 'open', studentId: 'mallory', assignmentId: 'c-sum' },
        { type: 'open', studentId: studentId(3) },
        { type: 'eval', code: 'process.exit()' },
        { type: 'withdrawn', show: 'yes' },
      ];
      for (const m of bad) assert.equal(readMessage(m, DEFAULT_QUERY, book), undefined, JSON.stringify(m));
      const long = readMessage({ type: 'search', text: 'x'.repeat(10_000) }, DEFAULT_QUERY, book);
      assert.ok(long?.kind === 'query' && long.query.search.length === 200, 'an overlong search is cut');
      assert.equal(parseSortColumn('total', ASSIGNMENTS)?.kind, 'total');
    });
  });
});
