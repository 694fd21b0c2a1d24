// Prometheus metrics on prom-client. A `MetricsRegistry` is one server's set
// of metrics (names get the `classpod_` prefix); its `/metrics` text also
// carries prom-client's default process metrics (memory, CPU, event-loop lag,
// handles, GC), which belong to the process and so are collected once per
// process however many servers it runs. The wrappers keep Classpod's call
// shape (`inc(by, labels)`, `observe(value, labels)`) over prom-client's.

import * as prom from 'prom-client';

type Labels = Record<string, string>;

/** A value that only goes up. */
export class Counter {
  constructor(private readonly metric: prom.Counter) {}
  inc(by = 1, labels?: Labels): void {
    if (labels) this.metric.inc(labels, by);
    else this.metric.inc(by);
  }
}

/** A value that goes up and down, set directly or read from a function at scrape time. */
export class Gauge {
  constructor(private readonly metric: prom.Gauge) {}
  set(value: number): void {
    this.metric.set(value);
  }
  inc(by = 1): void {
    this.metric.inc(by);
  }
  dec(by = 1): void {
    this.metric.dec(by);
  }
}

/** Observations counted into buckets (seconds). */
export class Histogram {
  constructor(private readonly metric: prom.Histogram) {}
  observe(value: number, labels?: Labels): void {
    if (labels) this.metric.observe(labels, value);
    else this.metric.observe(value);
  }
}

let processMetrics: prom.Registry | undefined;

/** The process's default metrics, started on the first scrape in this process. */
function processRegistry(): prom.Registry {
  if (!processMetrics) {
    processMetrics = new prom.Registry();
    prom.collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** A set of metrics served together on one `/metrics`. */
export class MetricsRegistry {
  private readonly registry = new prom.Registry();
  constructor(private readonly prefix = 'classpod_') {}

  /** A counter; `labels` names every label its increments may carry. */
  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return new Counter(new prom.Counter({ name: this.prefix + name, help, labelNames: labels, registers: [this.registry] }));
  }

  /** A gauge; with `collect`, its value is read from that function at each scrape. */
  gauge(name: string, help: string, collect?: () => number): Gauge {
    return new Gauge(
      new prom.Gauge({
        name: this.prefix + name,
        help,
        registers: [this.registry],
        ...(collect ? { collect(this: prom.Gauge) { this.set(collect()); } } : {}),
      }),
    );
  }

  /** A histogram of seconds; `labels` names every label its observations may carry. */
  histogram(name: string, help: string, labels: readonly string[] = []): Histogram {
    return new Histogram(new prom.Histogram({ name: this.prefix + name, help, labelNames: labels, registers: [this.registry] }));
  }

  /** Prometheus text exposition format (version 0.0.4): this registry's metrics, then the process's. */
  async render(): Promise<string> {
    const texts = await Promise.all([this.registry.metrics(), processRegistry().metrics()]);
    return texts.map((t) => t.trim()).filter(Boolean).join('\n\n') + '\n';
  }

  /** Content-Type of `render()`'s output. */
  static readonly contentType: string = prom.Registry.PROMETHEUS_CONTENT_TYPE;
}
