// What an agent service is: one area (files, terminals, sync, tests) that
// registers its request handlers on every connection. The list of services is
// in services.ts.

import type { RequestHandler, RequestType, RpcEndpoint, TSchema } from '@classpod/protocol';
import type { Logger, MetricsRegistry } from '@classpod/observability';
import type { AgentConfig } from './config';
import type { TreeJail } from '@classpod/sync';

/** What every service gets from the agent. */
export interface AgentContext {
  /** The agent's validated configuration. */
  config: AgentConfig;
  /** The workspace root jail; every path a client names, and every file the agent opens for it, goes through it. */
  jail: TreeJail;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Register a request handler on a connection, timed into the agent's request latency histogram. */
  handle<P extends TSchema, R extends TSchema>(endpoint: RpcEndpoint, type: RequestType<P, R>, handler: RequestHandler<P, R>): void;
}

/** One area of the agent. */
export interface AgentService {
  /** Area name, for logs. */
  readonly name: string;
  /** Capabilities announced in the handshake, e.g. `files`. */
  readonly capabilities: readonly string[];
  /** A connection finished its handshake; register handlers. The returned function runs when it closes. */
  connect(endpoint: RpcEndpoint): void | (() => void);
  /** The agent is stopping: release everything the service owns. */
  close(): void | Promise<void>;
}

/** Builds a service once per agent. */
export type AgentServiceFactory = (context: AgentContext) => AgentService | Promise<AgentService>;
