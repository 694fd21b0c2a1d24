// Edit Rubric… as a professor meets it: the rows of the rubric (points,
// description, where each is applied, then "Add an item…"), what the input
// boxes say about bad points and empty descriptions, the list one edit sends
// to the hub, and the warning before an applied item is removed.

import * as assert from 'node:assert/strict';
import { MAX_RUBRIC_ITEMS, MAX_RUBRIC_POINTS, type RubricItem } from '@classpod/protocol';
import {
  applyRubricEdit,
  descriptionProblem,
  newItemId,
  parsePoints,
  pointsProblem,
  removalWarning,
  rubricEditRows,
  rubricSavedText,
} from '../../../src/professor/rubric-edit';

const items: RubricItem[] = [
  { id: 'style', points: 5, description: 'Clear names and consistent indentation' },
  { id: 'comments', points: 2.5, description: 'Comments explain why' },
  { id: 'no-input-check', points: -10, description: "Reads input without checking scanf's result" },
];

describe('Edit Rubric… (plain logic)', () => {
  it('lists every item with its points, id and where it is applied, then a row that adds one', () => {
    assert.deepEqual(rubricEditRows(items, { style: 2, 'no-input-check': 1 }), [
      { itemId: 'style', label: '+5  Clear names and consistent indentation', description: 'style', detail: 'applied to 2 submissions' },
      { itemId: 'comments', label: '+2.5  Comments explain why', description: 'comments', detail: 'applied to no submission' },
      { itemId: 'no-input-check', label: "−10  Reads input without checking scanf's result", description: 'no-input-check', detail: 'applied to 1 submission' },
      { label: '$(add) Add an item…', detail: 'Points (negative for a deduction) and what earns them' },
    ]);
    assert.deepEqual(rubricEditRows([], {}).map((r) => r.label), ['$(add) Add an item…'], 'an empty rubric offers only to add');
    const full = Array.from({ length: MAX_RUBRIC_ITEMS }, (_, i) => ({ id: `i${i}`, points: 1, description: 'x' }));
    assert.ok(rubricEditRows(full, {}).every((r) => r.itemId !== undefined), 'a full rubric offers no add row');
  });

  it('reads points as typed, negative for a deduction (with a typed or a typographic minus)', () => {
    assert.deepEqual(['5', '+2.5', '-10', '−10', ' 3 ', '0', '.5'].map(parsePoints), [5, 2.5, -10, -10, 3, 0, 0.5]);
    for (const bad of ['', ' ', 'ten', '5 points', '1e3', 'Infinity', 'NaN', '--1', '0x10', '1,5']) assert.equal(parsePoints(bad), undefined, bad);
  });

  it('says in the input box what is wrong with the points or the description', () => {
    assert.equal(pointsProblem('ten'), 'Write a number of points, e.g. 5, or -10 for a deduction');
    assert.equal(pointsProblem(''), 'Write a number of points, e.g. 5, or -10 for a deduction');
    assert.equal(pointsProblem(String(MAX_RUBRIC_POINTS + 1)), `At most ${MAX_RUBRIC_POINTS} points either way`);
    assert.equal(pointsProblem(`-${MAX_RUBRIC_POINTS + 1}`), `At most ${MAX_RUBRIC_POINTS} points either way`);
    assert.equal(pointsProblem(`-${MAX_RUBRIC_POINTS}`), undefined);
    assert.equal(pointsProblem('-10'), undefined);
    assert.equal(descriptionProblem('   '), 'Say what earns these points: the student reads it');
    assert.equal(descriptionProblem('x'.repeat(501)), 'At most 500 characters');
    assert.equal(descriptionProblem('Handles empty input'), undefined);
  });

  it('adds an item at the end with an id made from its description, unused in the rubric', () => {
    const after = applyRubricEdit(items, { kind: 'add', description: '  Handles empty input ', points: -3 });
    assert.deepEqual(after.slice(0, 3), items, 'the others are kept, in order');
    assert.deepEqual(after[3], { id: 'handles-empty-input', points: -3, description: 'Handles empty input' });
    assert.equal(newItemId('Style!', items), 'style-2', 'an id in use gets a number');
    assert.equal(newItemId('Style', [...items, { id: 'style-2', points: 1, description: 'x' }]), 'style-3');
    assert.equal(newItemId('¿¡!', items), 'item', 'a description without letters still gives an id');
    assert.equal(newItemId('Éléments réutilisés', items), 'elements-reutilises');
    const long = newItemId('a'.repeat(80), items);
    assert.ok(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(long), long);
  });

  it("changes one item's points or description and keeps its id, so where it is applied stays", () => {
    assert.deepEqual(applyRubricEdit(items, { kind: 'change', itemId: 'comments', points: 4 })[1], { id: 'comments', points: 4, description: 'Comments explain why' });
    assert.deepEqual(applyRubricEdit(items, { kind: 'change', itemId: 'style', description: 'Readable names' })[0], { id: 'style', points: 5, description: 'Readable names' });
    assert.deepEqual(applyRubricEdit(items, { kind: 'change', itemId: 'style', points: 5 }), items, 'the same points change nothing');
  });

  it('removes one item and keeps the rest in order', () => {
    assert.deepEqual(applyRubricEdit(items, { kind: 'remove', itemId: 'comments' }).map((i) => i.id), ['style', 'no-input-check']);
  });

  it('refuses an edit the input boxes would not let through, and an item that is not in the rubric', () => {
    assert.throws(() => applyRubricEdit(items, { kind: 'add', description: ' ', points: 1 }), /Say what earns these points/);
    assert.throws(() => applyRubricEdit(items, { kind: 'add', description: 'x', points: Number.NaN }), /points must be a number/);
    assert.throws(() => applyRubricEdit(items, { kind: 'change', itemId: 'style', points: MAX_RUBRIC_POINTS * 2 }), /at most 100000 points/);
    assert.throws(() => applyRubricEdit(items, { kind: 'remove', itemId: 'nope' }), /the rubric has no item nope/);
    assert.throws(() => applyRubricEdit(items, { kind: 'change', itemId: 'nope', points: 1 }), /the rubric has no item nope/);
    const full = Array.from({ length: MAX_RUBRIC_ITEMS }, (_, i) => ({ id: `i${i}`, points: 1, description: 'x' }));
    assert.throws(() => applyRubricEdit(full, { kind: 'add', description: 'one more', points: 1 }), /at most 100 items/);
  });

  it('warns before removing an item applied somewhere, saying what happens to those scores; not when applied nowhere', () => {
    assert.deepEqual(removalWarning(items[2]!, 3), {
      message: "Remove “Reads input without checking scanf's result” (−10) from the rubric?",
      detail: 'It is applied to 3 submissions: it is unapplied from each, their scores lose its −10, and their students are told the new score.',
    });
    assert.equal(removalWarning(items[1]!, 0), undefined);
  });

  it('says what saving did', () => {
    assert.equal(rubricSavedText('c-sum', 3, 2), 'Rubric of c-sum saved (3 items); 2 submissions rescored.');
    assert.equal(rubricSavedText('c-sum', 1, 0), 'Rubric of c-sum saved (1 item); no score changed.');
  });
});
