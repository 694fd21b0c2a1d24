import * as assert from 'node:assert/strict';
import { expandCommand, LANGUAGES } from '../../src';

describe('language plugins', () => {
  it('cover C, C++, Python 3, Java and JavaScript as data', () => {
    assert.deepEqual(Object.keys(LANGUAGES).sort(), ['c', 'cpp', 'java', 'javascript', 'python']);
    for (const plugin of Object.values(LANGUAGES)) assert.ok(plugin.run.length > 0, plugin.id);
  });

  it('expand {sources}, {main}, {mainClass} and {memoryMb}', () => {
    const values = { sources: ['a.c', 'b.c'], mainClass: 'App', memoryMb: 128 };
    assert.deepEqual(expandCommand(LANGUAGES.c.build!, values), ['gcc', '-std=c17', '-O2', '-pipe', '-o', 'main', 'a.c', 'b.c', '-lm']);
    assert.deepEqual(expandCommand(LANGUAGES.python.run, values), ['python3', 'a.c']);
    assert.deepEqual(expandCommand(LANGUAGES.java.run, values).slice(0, 2), ['java', '-Xmx128m']);
    assert.equal(expandCommand(LANGUAGES.java.run, values).at(-1), 'App');
  });
});
