import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { specJsonSchema } from '../../src';
import { GRADER_ROOT } from '../temp-dir';

describe('spec.schema.json', () => {
  it('is the schema the loader validates with (run `npm run schema -w @classpod/grader` after changing it)', () => {
    const published = JSON.parse(readFileSync(path.join(GRADER_ROOT, 'spec.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(published, specJsonSchema());
  });
});
