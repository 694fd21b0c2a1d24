// The agent's Prometheus metrics: connections, terminals (registered by the
// terminals service), bytes in and out, bytes held for clients, and request
// latency per method, and the collections that give a workload's memory back.

import type { RpcEndpoint } from '@classpod/protocol';
import type { MetricsRegistry } from '@classpod/observability';

/** Metrics the agent itself keeps, over its live connections. */
export class AgentMetrics {
  private readonly live = new Set<RpcEndpoint>();
  private readonly seen = new WeakMap<RpcEndpoint, { in: number; out: number }>();
  private readonly bytesIn;
  private readonly bytesOut;
  readonly requestSeconds;
  readonly memoryReleases;

  constructor(readonly registry: MetricsRegistry) {
    registry.gauge('agent_connections', 'Open WebSocket connections.', () => this.live.size);
    registry.gauge('agent_buffered_bytes', 'Bytes held for clients: queued without credit, unflushed, or reserved by requests in progress.', () =>
      [...this.live].reduce((n, e) => n + e.bufferedBytes, 0),
    );
    this.bytesIn = registry.counter('agent_received_bytes_total', 'Bytes received on WebSocket connections.');
    this.bytesOut = registry.counter('agent_sent_bytes_total', 'Bytes sent on WebSocket connections.');
    this.memoryReleases = registry.counter('agent_memory_releases_total', 'Full garbage collections after a quiet time (memory-release.ts; only with --expose-gc).');
    this.requestSeconds = registry.histogram('agent_request_duration_seconds', 'Time to answer a request, by method.', ['method']);
  }

  connectionOpened(endpoint: RpcEndpoint): void {
    this.live.add(endpoint);
    this.seen.set(endpoint, { in: 0, out: 0 });
  }

  connectionClosed(endpoint: RpcEndpoint): void {
    this.sync(endpoint);
    this.live.delete(endpoint);
  }

  /** Bring the byte counters up to date (called before each scrape). */
  syncAll(): void {
    for (const e of this.live) this.sync(e);
  }

  private sync(endpoint: RpcEndpoint): void {
    const last = this.seen.get(endpoint);
    if (!last) return;
    this.bytesIn.inc(endpoint.bytesIn - last.in);
    this.bytesOut.inc(endpoint.bytesOut - last.out);
    last.in = endpoint.bytesIn;
    last.out = endpoint.bytesOut;
  }
}
