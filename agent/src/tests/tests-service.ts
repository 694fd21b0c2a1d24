// The tests service: runs an assignment's public tests inside the workspace
// with the grading engine (@classpod/grader), in the `local` sandbox
// (bubblewrap) where it can run, else `none` (limits and timeouts only). One
// run at a time per workspace; a run stops when its connection closes.

import { ProtocolError, RunPublicTestsRequest, TestProgressNotification } from '@classpod/protocol';
import type { AgentContext, AgentService } from '../service';
import { PUBLIC_SPEC_PATH, readPublicSpec, runPublicTests, singleTestSpec } from './public-tests';

/** Build the tests service. */
export function createTestsService(ctx: AgentContext): AgentService {
  const log = ctx.logger.child({ service: 'tests' });
  let queue: Promise<unknown> = Promise.resolve();

  return {
    name: 'tests',
    capabilities: ['tests'],
    connect(endpoint) {
      ctx.handle(endpoint, RunPublicTestsRequest.type, async ({ path: rel, runId, test }, { endpoint: ep, signal }) => {
        const dir = await ctx.jail.directory(rel);
        const shown = dir.rel || '.';
        // The specification goes through the jail too (it may be a link leading out).
        await ctx.jail.existing(`${dir.rel ? `${dir.rel}/` : ''}${PUBLIC_SPEC_PATH}`).catch((err: unknown) => {
          if (!ProtocolError.is(err, 'NotFound')) throw err;
        });
        // Refuse a folder without public tests (or without the test asked for) before waiting in the queue.
        const spec = await readPublicSpec(dir.abs, shown);
        if (test) singleTestSpec(spec, test, shown);
        const run = queue.then(() =>
          runPublicTests(
            dir.abs,
            shown,
            {
              signal,
              onTest: (result, done, total) => ep.notify(TestProgressNotification.type, { ...(runId ? { runId } : {}), result, done, total }),
            },
            test,
          ),
        );
        queue = run.catch(() => undefined);
        const result = await run;
        log.info('public tests ran', { path: shown, ...(test ? { test: `${test.group}/${test.name}` } : {}), sandbox: result.sandbox, score: result.score, maxScore: result.maxScore });
        return { result };
      });
    },
    close() {
      // Runs belong to their requests and stop with their connections.
    },
  };
}
