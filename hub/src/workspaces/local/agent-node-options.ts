// The Node options a local workspace agent runs with. One agent runs per
// workspace, so what V8 reserves per process is paid once per student: a
// young generation of 1 MiB semi-spaces instead of V8's default (up to 16 MiB
// each) keeps an idle agent's private memory about 6 MiB lower, and costs
// the agent's work (relaying frames, hashing through node:crypto) no
// measurable speed (bench/memory, bench/agent). `--expose-gc` lets the agent
// collect its garbage once its last client has left (agent/README.md,
// "Memory"), so that a workload's heap is not kept while nobody works.
// The agent's own command (agent/bin/classpod-agent) and its container image
// pass the same options.

/** Options given to Node before the agent's script. */
export const AGENT_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=1', '--expose-gc'];
