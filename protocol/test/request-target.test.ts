import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_REQUEST_TARGET_LENGTH, parseRequestTarget, RequestTargetError } from '../src';

const refused = (raw: string | undefined, message: RegExp): void => {
  assert.throws(() => parseRequestTarget(raw), (err: unknown) => {
    assert.ok(err instanceof RequestTargetError, `a RequestTargetError, not ${String(err)}`);
    assert.equal(err.status, 400);
    assert.match(err.message, message);
    return true;
  });
};

describe('parseRequestTarget', () => {
  it('reads a path into decoded segments and its query', () => {
    const t = parseRequestTarget('/v1/workspaces/cs101--ada/connect?resume=a%20b&x=1+2');
    assert.equal(t.path, '/v1/workspaces/cs101--ada/connect');
    assert.deepEqual(t.segments, ['v1', 'workspaces', 'cs101--ada', 'connect']);
    assert.equal(t.query.get('resume'), 'a b');
    assert.equal(t.query.get('x'), '1 2');
    assert.deepEqual(parseRequestTarget('/').segments, ['']);
    assert.deepEqual(parseRequestTarget('/a%2Fb/%C3%A9').segments, ['a/b', 'é']);
  });

  it('refuses the targets that made the WHATWG URL parser throw, with a 400 and a reason', () => {
    refused('//[', /character that must be percent-encoded/);
    refused('/v1/workspaces/cs101--%E0%A4%A/connect', /percent sign not followed by two hexadecimal digits/);
    refused('/%E0%A4', /not UTF-8/);
    refused('/%zz', /two hexadecimal digits/);
    refused('/ok?q=%', /two hexadecimal digits/);
    refused('/ok?q=%FF', /not UTF-8/);
  });

  it('refuses targets that are not origin-form, fragments, NUL bytes and overlong ones', () => {
    refused(undefined, /no target/);
    refused('', /no target/);
    refused('*', /starting with `\/`/);
    refused('http://agent/v1/connect', /starting with `\/`/);
    refused('/a#b', /fragment/);
    refused('/a%00b', /NUL/);
    refused('/a b', /percent-encoded/);
    refused('/' + 'a'.repeat(MAX_REQUEST_TARGET_LENGTH), /over the limit/);
  });

  it('throws nothing but a RequestTargetError, whatever the string', () => {
    const pieces = fc.oneof(
      fc.string(),
      fc.constantFrom('/', '//', '%', '%2', '%E0%A4%A', '%C3%A9', '?', '#', '[', ']', '..', '\0', '+', '&', '='),
      fc.stringMatching(/^(%[0-9A-Fa-f]{2})+$/),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const raw = parts.join('');
        try {
          const t = parseRequestTarget(raw);
          assert.ok(t.path.startsWith('/'));
          assert.equal(t.segments.length, t.path.split('/').length - 1);
        } catch (err) {
          if (!(err instanceof RequestTargetError)) throw err;
          assert.ok(!err.message.includes(raw) || raw.length < 3, 'the message does not echo the target');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes back exactly the segments a client encoded', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 6 }), (segments) => {
        const raw = '/' + segments.map(encodeURIComponent).join('/');
        assert.deepEqual(parseRequestTarget(raw).segments, segments);
      }),
      { numRuns: 500 },
    );
  });
});
