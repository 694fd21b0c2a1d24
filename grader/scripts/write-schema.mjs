#!/usr/bin/env node
// Writes grader/spec.schema.json from the schema the loader validates with (build first).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { specJsonSchema } = require('../dist/src/spec/spec-schema.js');
writeFileSync(new URL('../spec.schema.json', import.meta.url), JSON.stringify(specJsonSchema(), null, 2) + '\n');
