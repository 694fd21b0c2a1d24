#!/usr/bin/env node
// Runs every benchmark (bench/<area>/run.mjs) one after another. Each prints
// its numbers beside a baseline measured in the same run, as a ratio.
// `npm run bench -- agent sync` runs only the named areas.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const areas = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.mjs')))
  .map((d) => d.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
let failed = 0;
for (const area of areas) {
  process.stdout.write(`\n=== bench: ${area} ===\n`);
  const r = spawnSync(process.execPath, [join(here, area, 'run.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench ${area} failed (exit ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
