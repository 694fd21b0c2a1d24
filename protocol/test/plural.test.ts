// The count words people read: singular for one, plural for none and many.

import { strict as assert } from 'node:assert';
import { plural } from '../src/plural';

describe('plural', () => {
  it('says the singular for exactly one', () => {
    assert.equal(plural(1, 'file'), '1 file');
    assert.equal(plural(1, 'hidden test'), '1 hidden test');
  });
  it('says the plural for none, many and fractions', () => {
    assert.equal(plural(0, 'file'), '0 files');
    assert.equal(plural(3, 'submission'), '3 submissions');
    assert.equal(plural(1.5, 'day'), '1.5 days');
  });
  it('takes an irregular plural', () => {
    assert.equal(plural(2, 'person', 'people'), '2 people');
    assert.equal(plural(1, 'person', 'people'), '1 person');
  });
});
