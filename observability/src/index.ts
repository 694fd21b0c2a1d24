// @classpod/observability: structured logs (pino) and Prometheus metrics
// (prom-client) for every Classpod server. Not wire protocol: it does I/O.
export * from './logger';
export * from './metrics';
