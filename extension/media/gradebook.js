// The gradebook webview's script: it sends what the person does (search,
// sort, filter, open a cell, export, refresh) to the extension, which owns the
// model and answers with the table rendered again; and it moves the keyboard
// focus over the grid (arrow keys, Home/End, Page Up/Down; Enter or Space
// opens a cell), keeping the focus on the same cell or control across a
// redraw. It loads nothing and talks to nobody but the extension.
/* global acquireVsCodeApi, document, window */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const table = document.getElementById('table');
  const search = document.getElementById('search');
  const status = document.getElementById('status');
  let searchTimer;

  const post = (message) => vscode.postMessage(message);

  /** Put the one tab stop on `cell` and focus it. */
  function focusCell(cell) {
    if (!cell) return;
    for (const c of table.querySelectorAll('td.cell[tabindex="0"]')) c.setAttribute('tabindex', '-1');
    cell.setAttribute('tabindex', '0');
    cell.focus();
  }

  /** The first cell holds the tab stop until the person moves it. */
  function ensureTabStop() {
    if (!table.querySelector('td.cell[tabindex="0"]')) {
      const first = table.querySelector('td.cell');
      if (first) first.setAttribute('tabindex', '0');
    }
  }

  function open(cell) {
    post({ type: 'open', studentId: cell.dataset.student, assignmentId: cell.dataset.assignment });
  }

  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => post({ type: 'search', text: search.value }), 120);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusCell(table.querySelector('td.cell'));
    }
  });
  document.getElementById('export').addEventListener('click', () => post({ type: 'export' }));
  document.getElementById('refresh').addEventListener('click', () => post({ type: 'refresh' }));

  table.addEventListener('click', (e) => {
    const sort = e.target.closest('button.sort');
    if (sort) return post({ type: 'sort', column: sort.dataset.sort });
    const cell = e.target.closest('td.cell');
    if (cell) {
      focusCell(cell);
      open(cell);
    }
  });
  table.addEventListener('change', (e) => {
    const select = e.target.closest('select[data-filter]');
    if (select) post({ type: 'filter', assignmentId: select.dataset.filter, filter: select.value });
    const withdrawn = e.target.closest('input[data-withdrawn]');
    if (withdrawn) post({ type: 'withdrawn', show: withdrawn.checked });
  });
  table.addEventListener('keydown', (e) => {
    const cell = e.target.closest('td.cell');
    if (!cell) return;
    const row = cell.parentElement;
    const inRow = Array.from(row.querySelectorAll('td.cell'));
    const col = inRow.indexOf(cell);
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    const r = rows.indexOf(row);
    const at = (ri, ci) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, ri))];
      const list = target ? Array.from(target.querySelectorAll('td.cell')) : [];
      return list[Math.max(0, Math.min(list.length - 1, ci))];
    };
    let next;
    switch (e.key) {
      case 'ArrowRight': next = at(r, col + 1); break;
      case 'ArrowLeft': next = at(r, col - 1); break;
      case 'ArrowDown': next = at(r + 1, col); break;
      case 'ArrowUp':
        if (r === 0) {
          e.preventDefault();
          search.focus();
          return;
        }
        next = at(r - 1, col);
        break;
      case 'Home': next = e.ctrlKey ? at(0, 0) : at(r, 0); break;
      case 'End': next = e.ctrlKey ? at(rows.length - 1, inRow.length - 1) : at(r, inRow.length - 1); break;
      case 'PageDown': next = at(r + 20, col); break;
      case 'PageUp': next = at(r - 20, col); break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        open(cell);
        return;
      default:
        return;
    }
    e.preventDefault();
    focusCell(next);
  });

  window.addEventListener('message', (e) => {
    const m = e.data;
    if (!m || m.type !== 'table') return;
    const focused = document.activeElement && table.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
    const tabStop = table.querySelector('td.cell[tabindex="0"]');
    const stopKey = tabStop ? tabStop.dataset.focus : undefined;
    table.innerHTML = m.html;
    status.textContent = m.status;
    if (typeof m.search === 'string' && document.activeElement !== search) search.value = m.search;
    const find = (key) => (key ? Array.from(table.querySelectorAll('[data-focus]')).find((el) => el.dataset.focus === key) : undefined);
    const stop = find(stopKey);
    if (stop) stop.setAttribute('tabindex', '0');
    ensureTabStop();
    const again = find(focused);
    if (again) {
      if (again.matches('td.cell')) focusCell(again);
      else again.focus();
    }
  });

  ensureTabStop();
  post({ type: 'ready' });
})();
