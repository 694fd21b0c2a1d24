// The logger as its readers see it: one JSON object per line, with level,
// time, component, message and fields; errors as plain objects; levels filtered.

import { strict as assert } from 'node:assert';
import { createLogger, type LogLevel } from '../src';

function capture(level?: LogLevel): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ name: 'agent', ...(level ? { level } : {}), write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, log };
}

describe('createLogger', () => {
  it('writes one JSON line with level, ISO time, component, message and fields', () => {
    const { lines, log } = capture();
    log.info('agent listening', { url: 'http://127.0.0.1:1' });
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line!.level, 'info');
    assert.equal(line!.component, 'agent');
    assert.equal(line!.msg, 'agent listening');
    assert.equal(line!.url, 'http://127.0.0.1:1');
    assert.match(String(line!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('gives an error its type, message and stack under any field name', () => {
    const { lines, log } = capture();
    log.error('request failed', { err: new TypeError('boom'), cause: new Error('under') });
    const err = lines[0]!.err as { type: string; message: string; stack: string };
    assert.equal(err.type, 'TypeError');
    assert.equal(err.message, 'boom');
    assert.match(err.stack, /TypeError: boom/);
    assert.equal((lines[0]!.cause as { message: string }).message, 'under');
  });

  it('adds a child’s fields to every line it writes, and keeps the parent’s', () => {
    const { lines, log } = capture();
    log.child({ area: 'grading' }).child({ job: 'j1' }).warn('lease lost');
    log.info('plain');
    assert.equal(lines[0]!.area, 'grading');
    assert.equal(lines[0]!.job, 'j1');
    assert.equal(lines[0]!.level, 'warn');
    assert.equal(lines[1]!.area, undefined);
  });

  it('writes nothing below its level, and nothing at all when silent', () => {
    const warn = capture('warn');
    warn.log.debug('d');
    warn.log.info('i');
    warn.log.error('e');
    assert.deepEqual(warn.lines.map((l) => l.msg), ['e']);
    const silent = capture('silent');
    silent.log.error('e');
    assert.deepEqual(silent.lines, []);
  });

  it('takes its level from CLASSPOD_LOG_LEVEL when none is given', () => {
    const before = process.env.CLASSPOD_LOG_LEVEL;
    process.env.CLASSPOD_LOG_LEVEL = 'debug';
    try {
      const { lines, log } = capture();
      log.debug('seen');
      assert.deepEqual(lines.map((l) => l.msg), ['seen']);
    } finally {
      if (before === undefined) delete process.env.CLASSPOD_LOG_LEVEL;
      else process.env.CLASSPOD_LOG_LEVEL = before;
    }
  });
});
