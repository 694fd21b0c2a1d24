// Runs the comparing process (dolos-worker) as a child of the hub: the input
// on its stdin, the output from its stdout, with a heap limit and a time
// limit. Whatever happens in the child — a parser crash, an exhausted heap,
// a hang — comes back as a ComparisonError with a reason a person can read.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ComparisonInput, ComparisonOutput } from './comparison';

/** The comparison did not finish. */
export class ComparisonError extends Error {}

/** The running comparisons, so the hub can stop them when it closes. */
const running = new Set<ChildProcess>();

/** Stop every comparison still running (the hub is closing). */
export function stopComparisons(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function compareInChild(input: ComparisonInput, limits: { timeoutMs: number; maxHeapMiB: number }): Promise<ComparisonOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.maxHeapMiB}`, join(__dirname, 'dolos-worker.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4096) err += d.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new ComparisonError(`the comparing process did not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (timedOut) return reject(new ComparisonError(`the comparison took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped`));
      if (code !== 0) {
        const last = err.trim().split('\n')[0] ?? '';
        return reject(new ComparisonError(`the comparing process ended ${signal ? `by ${signal}` : `with code ${code}`}${last ? `: ${last}` : ''}`));
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as ComparisonOutput);
      } catch {
        reject(new ComparisonError('the comparing process gave no readable result'));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
