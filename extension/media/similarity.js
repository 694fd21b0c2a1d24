// The similarity webviews' script. On the ranked pairs: a click, Enter or
// Space on a row opens that pair; the arrow keys, Home and End move between
// rows; "Check Again" asks for a new check. On a pair: a fragment's button
// (or n / p) brings that fragment into view on both sides at once. It loads
// nothing and talks to nobody but the extension.
/* global acquireVsCodeApi, document */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const post = (message) => vscode.postMessage(message);

  if (document.body.dataset.page === 'pairs') {
    const rows = () => Array.from(document.querySelectorAll('tr.pair'));
    const focusRow = (row) => {
      if (!row) return;
      for (const r of rows()) r.setAttribute('tabindex', '-1');
      row.setAttribute('tabindex', '0');
      row.focus();
    };
    const first = rows()[0];
    if (first) first.setAttribute('tabindex', '0');
    const rerun = document.getElementById('rerun');
    if (rerun) rerun.addEventListener('click', () => post({ type: 'rerun' }));
    document.addEventListener('click', (e) => {
      const row = e.target.closest('tr.pair');
      if (row) {
        focusRow(row);
        post({ type: 'open', pairId: row.dataset.pair });
      }
    });
    document.addEventListener('keydown', (e) => {
      const row = e.target.closest && e.target.closest('tr.pair');
      if (!row) return;
      const all = rows();
      const i = all.indexOf(row);
      let next;
      if (e.key === 'ArrowDown') next = all[i + 1];
      else if (e.key === 'ArrowUp') next = all[i - 1];
      else if (e.key === 'Home') next = all[0];
      else if (e.key === 'End') next = all[all.length - 1];
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        post({ type: 'open', pairId: row.dataset.pair });
        return;
      } else return;
      e.preventDefault();
      focusRow(next);
    });
  } else {
    const links = Array.from(document.querySelectorAll('button.fragment-link'));
    let current = -1;
    const show = (i) => {
      if (links.length === 0) return;
      current = (i + links.length) % links.length;
      for (const el of document.querySelectorAll('tr.frag.current')) el.classList.remove('current');
      for (const side of document.querySelectorAll('section.file')) {
        const rowsOf = side.querySelectorAll(`tr.frag[data-fragment="${current}"]`);
        for (const r of rowsOf) r.classList.add('current');
        if (rowsOf[0]) {
          // Scroll the file's own box, never the page sideways.
          const box = side.querySelector('.scroll');
          box.scrollTop = Math.max(0, rowsOf[0].offsetTop - box.clientHeight / 3);
        }
      }
      links[current].focus({ preventScroll: true });
    };
    for (const [i, link] of links.entries()) link.addEventListener('click', () => show(i));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'n') show(current + 1);
      else if (e.key === 'p') show(current - 1);
    });
  }
})();
