// Paging long lists on its own: where a page ends, what "show more" adds, and
// that a new filter starts every list over.

import * as assert from 'node:assert/strict';
import { ListPager } from '../../../src/professor/list-pager';

const items = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('list pager', function () {
  it('shows an empty list as empty, with nothing left', function () {
    assert.deepEqual(new ListPager(3).page('a', []), { shown: [], remaining: 0 });
  });

  it('shows a list of exactly one page whole, with nothing left', function () {
    assert.deepEqual(new ListPager(3).page('a', items(3)), { shown: [0, 1, 2], remaining: 0 });
  });

  it('stops one item short of a list one longer than a page', function () {
    assert.deepEqual(new ListPager(3).page('a', items(4)), { shown: [0, 1, 2], remaining: 1 });
  });

  it('adds one page per "show more", and never counts below nothing left', function () {
    const pager = new ListPager(3);
    pager.showMore('a');
    assert.deepEqual(pager.page('a', items(7)), { shown: items(6), remaining: 1 });
    pager.showMore('a');
    assert.deepEqual(pager.page('a', items(7)), { shown: items(7), remaining: 0 });
    pager.showMore('a');
    assert.deepEqual(pager.page('a', items(7)), { shown: items(7), remaining: 0 });
  });

  it('pages each list on its own, and starts them all over on reset', function () {
    const pager = new ListPager(2);
    pager.showMore('a');
    assert.equal(pager.page('a', items(5)).shown.length, 4);
    assert.equal(pager.page('b', items(5)).shown.length, 2);
    pager.reset();
    assert.deepEqual(pager.page('a', items(5)), { shown: [0, 1], remaining: 3 });
  });

  it('leaves the list it is given as it was', function () {
    const list = items(5);
    new ListPager(2).page('a', list);
    assert.deepEqual(list, items(5));
  });

  it('pages on until a wanted item is shown, in whole pages, and never shows fewer', function () {
    const pager = new ListPager(3);
    assert.equal(pager.showAtLeast('a', 2), false, 'already on the first page');
    assert.equal(pager.showAtLeast('a', 7), true);
    assert.deepEqual(pager.page('a', items(10)), { shown: items(9), remaining: 1 });
    assert.equal(pager.showAtLeast('a', 4), false);
    assert.deepEqual(pager.page('a', items(10)).shown.length, 9);
  });
});
