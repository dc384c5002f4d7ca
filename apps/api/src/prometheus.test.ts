import { describe, expect, it } from 'vitest';
import { createRegistry } from './prometheus.ts';

describe('createRegistry', () => {
  it('renders counters, cumulative histograms and gauges in the text format', () => {
    const registry = createRegistry();
    const requests = registry.counter({ name: 'req_total', help: 'Requests.' });
    const latency = registry.histogram({ name: 'lat_seconds', help: 'Latency.', buckets: [0.1, 1] });
    registry.gauge({ name: 'depth', help: 'Depth.', read: () => 3 });
    requests.inc({ route: '/a', status: '200' });
    requests.inc({ status: '200', route: '/a' }, 2);
    requests.inc({ route: '/b"x', status: '500' });
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(5);
    expect(requests.get({ route: '/a', status: '200' })).toBe(3);
    expect(registry.render()).toBe(
      [
        '# HELP req_total Requests.',
        '# TYPE req_total counter',
        'req_total{route="/a",status="200"} 3',
        'req_total{route="/b\\"x",status="500"} 1',
        '# HELP lat_seconds Latency.',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{le="0.1"} 1',
        'lat_seconds_bucket{le="1"} 2',
        'lat_seconds_bucket{le="+Inf"} 3',
        'lat_seconds_sum 5.55',
        'lat_seconds_count 3',
        '# HELP depth Depth.',
        '# TYPE depth gauge',
        'depth 3',
        '',
      ].join('\n'),
    );
  });
});
