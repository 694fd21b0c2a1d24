// The tests service: runs an assignment's public tests inside the workspace
// with the grading engine (@classpod/grader), in the `local` sandbox
// (bubblewrap) where it can run, else `none` (limits and timeouts only). One
// run at a time per workspace; a run stops when its connection closes.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createSandbox, gradeSubmission, type SandboxName } from '@classpod/grader';
import { errors, GradingSpec, RunPublicTestsRequest, TestProgressNotification, validator } from '@classpod/protocol';
import type { AgentContext, AgentService } from '../service';

const specValidator = validator(GradingSpec);

/** Where an assignment's public specification lives, relative to its folder. */
export const PUBLIC_SPEC_PATH = path.join('.classpod', 'tests', 'spec.json');

/** `local` when bubblewrap and friends work here, else `none`. */
async function chooseSandbox(): Promise<SandboxName> {
  try {
    const probe = createSandbox('local');
    await probe.dispose();
    return 'local';
  } catch {
    return 'none';
  }
}

/** Build the tests service. */
export function createTestsService(ctx: AgentContext): AgentService {
  const log = ctx.logger.child({ service: 'tests' });
  let sandbox: Promise<SandboxName> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  return {
    name: 'tests',
    capabilities: ['tests'],
    connect(endpoint) {
      ctx.handle(endpoint, RunPublicTestsRequest.type, async ({ path: rel, runId }, { endpoint: ep, signal }) => {
        const dir = await ctx.jail.directory(rel);
        const specPath = `${dir.rel ? `${dir.rel}/` : ''}${PUBLIC_SPEC_PATH.split(path.sep).join('/')}`;
        const file = await ctx.jail.readableFile(specPath).catch(() => {
          throw errors.notFound(`\`${dir.rel || '.'}\` has no public tests (${PUBLIC_SPEC_PATH} is missing)`, { path: specPath });
        });
        let raw: unknown;
        try {
          raw = JSON.parse(await fs.readFile(file.abs, 'utf8'));
        } catch (err) {
          throw errors.invalidParams(`\`${specPath}\` is not valid JSON: ${(err as Error).message}`);
        }
        const spec = specValidator.assert(raw, `\`${specPath}\``);
        const name = await (sandbox ??= chooseSandbox());
        const run = queue.then(() =>
          gradeSubmission(spec, dir.abs, {
            sandbox: name,
            publicOnly: true,
            signal,
            onTest: (result, done, total) => ep.notify(TestProgressNotification.type, { ...(runId ? { runId } : {}), result, done, total }),
          }),
        );
        queue = run.catch(() => undefined);
        const result = await run;
        log.info('public tests ran', { path: dir.rel, sandbox: name, score: result.score, maxScore: result.maxScore });
        return { result };
      });
    },
    close() {
      // Runs belong to their requests and stop with their connections.
    },
  };
}
