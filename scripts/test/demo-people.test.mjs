// `npm start` on a kept data folder prints the same tokens again, and only
// issues a new one for a person whose kept token the hub no longer accepts.

/* global describe, it, beforeEach, afterEach */

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PEOPLE_FILE, keepPeople, readKeptPeople, tokenFor } from '../demo-people.mjs';

describe('the demo people kept in a data folder', () => {
  let dir;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'classpod-demo-people-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the tokens for the next start, readable by their owner only', () => {
    const people = [{ id: 'alice', name: 'Alice', role: 'student', token: 'cp_a' }];
    keepPeople(dir, people);
    assert.deepEqual(readKeptPeople(dir), people);
    assert.equal(statSync(join(dir, DEMO_PEOPLE_FILE)).mode & 0o777, 0o600);
  });

  it('reads nothing from a folder without the file, or with a file that is not ours', () => {
    assert.deepEqual(readKeptPeople(dir), []);
    writeFileSync(join(dir, DEMO_PEOPLE_FILE), '{"not": "a list"}');
    assert.deepEqual(readKeptPeople(dir), []);
    writeFileSync(join(dir, DEMO_PEOPLE_FILE), '[{"id": 3}, {"id": "bob", "role": "student", "token": "cp_b"}]');
    assert.deepEqual(readKeptPeople(dir), [{ id: 'bob', role: 'student', token: 'cp_b' }]);
  });

  it('prints the kept token while the hub accepts it, else a new one', async () => {
    const kept = [{ id: 'alice', role: 'student', token: 'cp_old' }];
    let issued = 0;
    const issue = async () => `cp_new${++issued}`;
    assert.equal(await tokenFor({ id: 'alice' }, kept, async () => true, issue), 'cp_old');
    assert.equal(issued, 0);
    assert.equal(await tokenFor({ id: 'alice' }, kept, async () => false, issue), 'cp_new1');
    assert.equal(await tokenFor({ id: 'bob' }, kept, async () => true, issue), 'cp_new2');
  });
});
