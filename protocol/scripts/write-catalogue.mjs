#!/usr/bin/env node
// Writes the method catalogue (every method's params and result as JSON Schema)
// to protocol/catalogue.schema.json. Run by the root `npm run build`.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { catalogueJsonSchema } = require(join(here, '..', 'dist', 'src', 'index.js'));
const out = join(here, '..', 'catalogue.schema.json');
writeFileSync(out, JSON.stringify(catalogueJsonSchema(), null, 2) + '\n');
