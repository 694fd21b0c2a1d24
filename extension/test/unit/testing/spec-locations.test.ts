// Go to Test lands on the test's own lines of spec.json, however the file is laid out.

import * as assert from 'node:assert/strict';
import { specTestLocations } from '../../../src/testing/spec-locations';

const spec = {
  groups: [
    { name: 'examples', points: 15, tests: [{ name: 'small', public: true, stdin: '1 2 3\n' }, { name: 'empty', public: true, stdin: '' }] },
    { tests: [{ name: 'single', public: true }], name: 'edge "cases"' },
  ],
};

describe('where tests are in spec.json', function () {
  it("finds each test's object in an indented file", function () {
    const text = JSON.stringify(spec, null, 2);
    const lines = text.split('\n');
    const at = specTestLocations(text);
    assert.deepEqual([...at.keys()], ['examples/small', 'examples/empty', 'edge "cases"/single']);
    for (const [id, loc] of at) {
      const name = id.split('/').pop()!;
      const body = lines.slice(loc.line, loc.endLine + 1).join('\n');
      assert.match(body, new RegExp(`"name": "${name}"`), id);
      assert.ok(loc.line > 0 && loc.endLine >= loc.line, id);
    }
    assert.notEqual(at.get('examples/small')!.line, at.get('examples/empty')!.line);
  });

  it('finds them on one line in a compact file', function () {
    const at = specTestLocations(JSON.stringify(spec));
    assert.equal(at.get('examples/empty')?.line, 0);
  });

  it('gives nothing for a broken or foreign file, and never throws', function () {
    assert.equal(specTestLocations('').size, 0);
    assert.equal(specTestLocations('{"groups": 3}').size, 0);
    assert.equal(specTestLocations('{"groups": [{"name": 1, "tests": []}]').size, 0);
    assert.equal(specTestLocations('[').size, 0);
  });
});
