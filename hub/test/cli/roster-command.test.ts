// `classpod-hub roster import|export|withdraw` as an operator uses it: a
// preview that changes nothing, `--apply` that makes the same changes, a bad
// row refused with its line and exit code 2, and an export an import takes back.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_CLI, hubCli } from '../support/hub-process';
import { openStore } from '../../src/store/open-store';

describe('classpod-hub roster', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-roster-'));
    hubCli(['course', 'create', '--data', dataDir, '--id', 'cs101', '--title', 'Programming']);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[]): { status: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  const enrolled = async (): Promise<string> => {
    const store = await openStore({ dataDir });
    try {
      return (await store.courses.members('cs101')).map((m) => `${m.id}:${m.role}`).join(' ');
    } finally {
      await store.close();
    }
  };

  it('previews, applies once, withdraws who is left out, and exports what it imports', async () => {
    const csv = join(dataDir, 'roster.csv');
    writeFileSync(csv, 'id,name,role,section\nada,Ada,professor,\nalice,"Liddell, Alice",student,a\nbob,Bob,,b\n');
    const preview = run(['roster', 'import', '--course', 'cs101', '--csv', csv]);
    assert.equal(preview.status, 0, preview.err);
    assert.match(preview.out, /^preview: 3 added, 0 changed, 0 withdrawn, 0 unchanged\n/);
    assert.match(preview.out, / {2}added alice \(Liddell, Alice\): student, section a \(line 3\)\n/);
    assert.match(preview.out, /run again with --apply/);
    assert.equal(await enrolled(), '');

    assert.match(hubCli(['roster', 'import', '--data', dataDir, '--course', 'cs101', '--csv', csv, '--apply']), /^imported: 3 added/);
    assert.equal(await enrolled(), 'ada:professor alice:student bob:student');
    assert.match(hubCli(['roster', 'import', '--data', dataDir, '--course', 'cs101', '--csv', csv, '--apply']), /^imported: 0 added, 0 changed, 0 withdrawn, 3 unchanged\n$/);

    writeFileSync(csv, 'id,name,role,section\nada,Ada,professor,\nalice,"Liddell, Alice",ta,a\n');
    const second = hubCli(['roster', 'import', '--data', dataDir, '--course', 'cs101', '--csv', csv, '--apply']);
    assert.match(second, /changed alice \(Liddell, Alice\): role student → assistant \(line 3\)/);
    assert.match(second, /withdrawn bob \(Bob\): student, section b\n/);

    const out = join(dataDir, 'export.csv');
    assert.match(hubCli(['roster', 'export', '--data', dataDir, '--course', 'cs101', '--out', out]), /roster of cs101 written to/);
    assert.equal(readFileSync(out, 'utf8'), 'id,name,email,role,section,status\r\nada,Ada,,professor,,enrolled\r\nalice,"Liddell, Alice",,assistant,a,enrolled\r\nbob,Bob,,student,b,withdrawn\r\n');
    assert.match(hubCli(['roster', 'import', '--data', dataDir, '--course', 'cs101', '--csv', out]), /^preview: 0 added, 0 changed, 0 withdrawn, 3 unchanged\n/);
  });

  it('places a person in sections with `people add --section`, keeps them when added again without it, and refuses what a roster refuses', async () => {
    assert.match(hubCli(['people', 'add', '--data', dataDir, '--id', 'tara', '--name', 'Tara', '--course', 'cs101', '--role', 'assistant', '--section', 'a;B']), /^tara is a assistant of cs101, section a, b\n/);
    assert.match(hubCli(['people', 'add', '--data', dataDir, '--id', 'alice', '--name', 'Alice', '--course', 'cs101', '--section', 'a']), /^alice is a student of cs101, section a\n/);
    // Added again (a new email, say) without --section: the sections stay.
    hubCli(['people', 'add', '--data', dataDir, '--id', 'tara', '--name', 'Tara', '--email', 'tara@uni.example', '--course', 'cs101', '--role', 'assistant']);
    const out = join(dataDir, 'export.csv');
    hubCli(['roster', 'export', '--data', dataDir, '--course', 'cs101', '--out', out]);
    assert.equal(readFileSync(out, 'utf8'), 'id,name,email,role,section,status\r\nalice,Alice,,student,a,enrolled\r\ntara,Tara,tara@uni.example,assistant,a;b,enrolled\r\n');
    const before = await enrolled();
    for (const [args, message] of [
      [['--id', 'bob', '--section', 'a;b'], /--section: a student belongs to one section; bob is given a, b/],
      [['--id', 'bob', '--section', '../x'], /--section: section `\.\.\/x` is not allowed/],
      [['--id', 'bob', '--section', 'a;' + 'x'.repeat(70)], /is not allowed: use 1 to 63 lowercase letters/],
    ] as const) {
      const r = run(['people', 'add', '--name', 'Bob', '--course', 'cs101', ...args]);
      assert.equal(r.status, 2, r.err);
      assert.match(r.err, message);
    }
    assert.equal(await enrolled(), before, 'nothing was written');
  });

  it('refuses a bad row with its line and exit code 2, changing nothing', async () => {
    const csv = join(dataDir, 'roster.csv');
    writeFileSync(csv, 'id,name\nalice,Alice\nBob Smith,Bob\n');
    const r = run(['roster', 'import', '--course', 'cs101', '--csv', csv, '--apply']);
    assert.equal(r.status, 2);
    assert.match(r.err, /^classpod-hub: line 3: person id `bob smith` is not allowed/);
    assert.equal(await enrolled(), '');
    const w = run(['roster', 'withdraw', '--course', 'cs101', '--person', 'nobody']);
    assert.equal(w.status, 2);
    assert.match(w.err, /nobody is not a student of course cs101/);
  });
});
