// The one parse of a request target: origin form only, strict percent-decoding
// of path segments and query parameters, and nothing thrown but
// BadRequestTarget whatever the client wrote.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BadRequestTarget, parseRequestTarget, quoteForMessage } from '../../src/server/request-target';

describe('request targets', () => {
  it('splits a path into decoded segments and a query', () => {
    const t = parseRequestTarget('/v1/workspaces/cs101--al%69ce/connect?token=cp_x&a=b+c%20d');
    assert.equal(t.rawPath, '/v1/workspaces/cs101--al%69ce/connect');
    assert.deepEqual(t.segments, ['v1', 'workspaces', 'cs101--alice', 'connect']);
    assert.equal(t.query.get('token'), 'cp_x');
    assert.equal(t.query.get('a'), 'b c d');
    assert.deepEqual(parseRequestTarget('/').segments, ['']);
    assert.deepEqual(parseRequestTarget('/a%2Fb/c').segments, ['a/b', 'c']);
  });

  it('refuses what is not an origin-form target, naming the problem', () => {
    for (const [target, message] of [
      ['//[', /`\/\/\[` is not a path/],
      ['//host/v1/connect', /is not a path/],
      ['http://[/v1/connect', /is not a path/],
      ['*', /is not a path/],
      ['', /has no target/],
      ['/a#b', /fragment/],
      ['/' + 'a'.repeat(5000), /longer than 4096/],
      ['/v1/workspaces/cs101--%E0%A4%A/connect', /`cs101--%E0%A4%A` has `%A`, which is not a percent-escape/],
      ['/%zz', /`%zz`, which is not a percent-escape/],
      ['/%', /is not a percent-escape/],
      ['/%C0%AF', /does not decode to UTF-8/],
      ['/%FF%FE', /does not decode to UTF-8/],
      ['/ok?token=%E0%A4%A', /the query value .* not a percent-escape/],
      ['/ok?%ff=1', /the query parameter .* UTF-8/],
    ] as Array<[string, RegExp]>) {
      assert.throws(() => parseRequestTarget(target), (err: unknown) => err instanceof BadRequestTarget && message.test(err.message), target);
    }
    assert.throws(() => parseRequestTarget(undefined), BadRequestTarget);
  });

  it('quotes client text bounded and with control characters escaped', () => {
    assert.equal(quoteForMessage('a\u001b[31mb'), '`a\\u001b[31mb`');
    assert.equal(quoteForMessage('x'.repeat(100), 5), '`xxxxx…`');
  });

  it('throws nothing but BadRequestTarget for any string, and decodes what encodeURIComponent encoded', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', '%', '?', '&', '=', '+', '#', 'a', 'E', '0', '9', 'F', 'é', '[', ':', ' ') , maxLength: 40 }), (target) => {
        try {
          parseRequestTarget(target);
        } catch (err) {
          assert.ok(err instanceof BadRequestTarget, String(err));
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), (segments) => {
        assert.deepEqual(parseRequestTarget('/' + segments.map(encodeURIComponent).join('/')).segments, segments);
      }),
      { numRuns: 500 },
    );
  });
});
