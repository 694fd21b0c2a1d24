import * as assert from 'node:assert/strict';
import { compareOutput, numbersClose, shortDiff } from '../../src';

describe('compareOutput', () => {
  it('exact: any difference, even a missing final newline, is wrong', () => {
    assert.equal(compareOutput('1\n2\n', '1\n2\n', { mode: 'exact' }).accepted, true);
    const c = compareOutput('1\n2\n', '1\n2', { mode: 'exact' });
    assert.equal(c.accepted, false);
  });

  it('trailing-whitespace: ignores spaces at line ends, CRLF and blank lines at the end', () => {
    assert.equal(compareOutput('a b\nc\n', 'a b  \r\nc\n\n\n', { mode: 'trailing-whitespace' }).accepted, true);
    const c = compareOutput('a b\nc\n', 'a  b\nc\n', { mode: 'trailing-whitespace' });
    assert.equal(c.accepted, false);
    assert.equal(c.message, 'line 1: expected "a b", got "a  b"');
  });

  it('tokens: ignores all whitespace, optionally case', () => {
    assert.equal(compareOutput('1 2\n3', ' 1\n2    3 \n', { mode: 'tokens' }).accepted, true);
    assert.equal(compareOutput('Yes', 'yes', { mode: 'tokens' }).accepted, false);
    assert.equal(compareOutput('Yes', 'yes', { mode: 'tokens', ignoreCase: true }).accepted, true);
    assert.match(compareOutput('1 2 3', '1 2', { mode: 'tokens' }).message, /ends after 2 tokens; expected 3/);
    assert.match(compareOutput('1', '1 9', { mode: 'tokens' }).message, /extra tokens \(first: "9"\)/);
  });

  it('float: absolute and relative tolerance, words still exact', () => {
    assert.equal(compareOutput('3.14159', '3.1416', { mode: 'float', absTolerance: 1e-3 }).accepted, true);
    assert.equal(compareOutput('3.14159', '3.15', { mode: 'float', absTolerance: 1e-3 }).accepted, false);
    assert.equal(compareOutput('1000000', '1000100', { mode: 'float', relTolerance: 1e-3 }).accepted, true);
    assert.equal(compareOutput('1000000', '1002000', { mode: 'float', relTolerance: 1e-3 }).accepted, false);
    assert.equal(compareOutput('x 1.0', 'y 1.0', { mode: 'float' }).accepted, false);
    assert.equal(numbersClose('nan', 'nan', 1, 1), true);
    assert.equal(numbersClose('1e3', '1000.0000001', 1e-6, 0), true);
    assert.equal(numbersClose('inf', '1', 1e9, 1e9), false);
  });
});

describe('shortDiff', () => {
  it('shows the first differing line with context, marked - expected and + actual', () => {
    assert.equal(shortDiff('a\nb\nc\n', 'a\nb\nX\n'), '@@ line 3 @@\n  a\n  b\n- c\n+ X');
    assert.equal(shortDiff('same\n', 'same\n'), '');
  });

  it('stays short for long outputs', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const d = shortDiff(long, long.replace('line 500', 'oops'));
    assert.ok(d.split('\n').length <= 14, d);
    assert.match(d, /- line 500\n/);
    assert.match(d, /\+ oops/);
  });
});
