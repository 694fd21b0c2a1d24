// The /metrics text a Prometheus scraper reads: the server's own counters,
// gauges and histograms with their labels, and the process's default metrics.

import { strict as assert } from 'node:assert';
import { MetricsRegistry } from '../src';

describe('MetricsRegistry', () => {
  it('renders counters with labels, collected gauges and histogram counts under the classpod_ prefix', async () => {
    const r = new MetricsRegistry();
    const requests = r.counter('api_requests_total', 'Requests.', ['method', 'outcome']);
    const bytes = r.counter('sent_bytes_total', 'Bytes.');
    let open = 3;
    r.gauge('connections', 'Open connections.', () => open);
    const seconds = r.histogram('request_seconds', 'Latency.', ['method']);
    requests.inc(1, { method: 'people/whoami', outcome: 'ok' });
    requests.inc(2, { method: 'people/whoami', outcome: 'ok' });
    bytes.inc(10);
    seconds.observe(0.02, { method: 'files/stat' });
    let text = await r.render();
    assert.match(text, /^# TYPE classpod_api_requests_total counter$/m);
    assert.match(text, /^classpod_api_requests_total\{method="people\/whoami",outcome="ok"\} 3$/m);
    assert.match(text, /^classpod_sent_bytes_total 10$/m);
    assert.match(text, /^classpod_connections 3$/m);
    assert.match(text, /^classpod_request_seconds_count\{method="files\/stat"\} 1$/m);
    open = 0;
    text = await r.render();
    assert.match(text, /^classpod_connections 0$/m, 'a collected gauge is read again at each scrape');
  });

  it('refuses a label its metric did not declare', () => {
    const counter = new MetricsRegistry().counter('x_total', 'X.', ['outcome']);
    assert.throws(() => counter.inc(1, { method: 'm' }), /method/);
  });

  it('serves the process metrics operators expect on every registry in the process', async () => {
    for (const r of [new MetricsRegistry(), new MetricsRegistry()]) {
      const text = await r.render();
      for (const name of ['process_resident_memory_bytes', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
        assert.match(text, new RegExp(`^${name} [0-9.e+-]+$`, 'm'), `${name} is served`);
      }
    }
  });

  it('names the Prometheus text format as its content type', () => {
    assert.match(MetricsRegistry.contentType, /^text\/plain; version=0\.0\.4/);
  });
});
