import * as assert from 'node:assert/strict';
import { compareOutput, firstDifference, numbersClose, outputDiff } from '../../src';

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
    assert.match(compareOutput('1', '1 9', { mode: 'tokens' }).message, /^1 unexpected extra token \(first: "9"\)/);
    assert.match(compareOutput('1', '1 9 8', { mode: 'tokens' }).message, /^2 unexpected extra tokens \(first: "9"\)/);
    assert.match(compareOutput('1 2', '1', { mode: 'tokens' }).message, /ends after 1 token; expected 2/);
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

describe('where outputs differ', () => {
  it('line modes give the line and column of the first wrong character', () => {
    assert.deepEqual(compareOutput('a b\nc\n', 'a  b\nc\n', { mode: 'trailing-whitespace' }).at, { line: 1, column: 3, expectedLine: 1 });
    assert.deepEqual(compareOutput('1\n2\n3\n', '1\n2\n', { mode: 'exact' }).at, { line: 3, column: 1, expectedLine: 3 });
    assert.deepEqual(compareOutput('1\n', '1\n2\n', { mode: 'trailing-whitespace' }).at, { line: 2, column: 1, expectedLine: 2 });
  });

  it('token modes point at the wrong token in the program output and at its counterpart in the expected one', () => {
    // Whitespace differences before the wrong token are accepted; the position is that of the token.
    assert.deepEqual(compareOutput('1 2\n3.000\n', '1\n2\n  3.5\n', { mode: 'float', absTolerance: 1e-3 }).at, { line: 3, column: 3, expectedLine: 2 });
    assert.deepEqual(compareOutput('1 2 3', '1 2', { mode: 'tokens' }).at, { line: 1, column: 4, expectedLine: 1 });
    assert.deepEqual(compareOutput('1', '1\n\n9', { mode: 'tokens' }).at, { line: 3, column: 1, expectedLine: 1 });
  });

  it('accepted outputs carry no position', () => {
    assert.equal(compareOutput('3.14159', '3.1416', { mode: 'float', absTolerance: 1e-3 }).at, undefined);
    assert.equal(firstDifference('same\n', 'same\n'), undefined);
  });
});

describe('outputDiff', () => {
  it('gives the position and a few lines of both outputs, as data', () => {
    assert.deepEqual(outputDiff('a\nb\nc\n', 'a\nb\nX\n'), {
      line: 3,
      column: 1,
      expected: { fromLine: 1, lines: ['a', 'b', 'c'], more: false },
      actual: { fromLine: 1, lines: ['a', 'b', 'X'], more: false },
    });
    assert.equal(outputDiff('same\n', 'same\n'), undefined);
  });

  it('names the expected file and shows an output that is missing lines', () => {
    const d = outputDiff('1\n2\n3\n', '1\n', { line: 2, column: 1, expectedLine: 2 }, 'out.txt')!;
    assert.equal(d.file, 'out.txt');
    assert.deepEqual(d.expected, { fromLine: 1, lines: ['1', '2', '3'], more: false });
    assert.deepEqual(d.actual, { fromLine: 1, lines: ['1'], more: false });
  });

  it('stays short for long outputs and long lines', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const d = outputDiff(long, long.replace('line 500', 'oops'))!;
    assert.equal(d.line, 501);
    assert.equal(d.column, 1);
    assert.deepEqual(d.expected.lines, ['line 498', 'line 499', 'line 500', 'line 501', 'line 502', 'line 503']);
    assert.equal(d.actual.lines[2], 'oops');
    assert.equal(d.actual.more, true);
    const wide = outputDiff('x'.repeat(500), 'y'.repeat(500))!;
    assert.equal(wide.actual.lines[0], `${'y'.repeat(120)}…`);
  });
});
