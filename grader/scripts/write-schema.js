#!/usr/bin/env node
// Writes grader/spec.schema.json from the schema the loader validates with.
const fs = require('node:fs');
const path = require('node:path');
const { specJsonSchema } = require('../dist/src/spec/spec-schema.js');
fs.writeFileSync(path.join(__dirname, '..', 'spec.schema.json'), JSON.stringify(specJsonSchema(), null, 2) + '\n');
