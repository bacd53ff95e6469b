import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseProxyMetrics, type RevisionSample, windowStats } from '../../src/targets/samples.ts';

const TEXT = `# HELP slipway_proxy_requests_total Requests
# TYPE slipway_proxy_requests_total counter
slipway_proxy_requests_total{revision="3"} 1000
slipway_proxy_requests_total{revision="4"} 100
slipway_proxy_errors_total{revision="4"} 30
slipway_proxy_retried_total{revision="4"} 28
slipway_proxy_request_duration_seconds_bucket{revision="4",le="0.005"} 60
slipway_proxy_request_duration_seconds_bucket{revision="4",le="0.05"} 99
slipway_proxy_request_duration_seconds_bucket{revision="4",le="+Inf"} 100
slipway_proxy_request_duration_seconds_sum{revision="4"} 0.9
slipway_proxy_request_duration_seconds_count{revision="4"} 100
`;

describe('proxy samples', () => {
  test('parses counters and the latency histogram per revision', () => {
    const s = parseProxyMetrics(TEXT);
    assert.equal(s['3']?.requests, 1000);
    assert.deepEqual(s['4'], {
      requests: 100,
      errors: 30,
      retried: 28,
      buckets: [
        { leMs: 5, count: 60 },
        { leMs: 50, count: 99 },
        { leMs: Number.POSITIVE_INFINITY, count: 100 },
      ],
      latencySumMs: 900,
    });
  });

  test('window stats from two samples: rate, error rate, bucket percentiles, mean', () => {
    const before: RevisionSample = {
      requests: 100,
      errors: 0,
      retried: 0,
      buckets: [
        { leMs: 5, count: 100 },
        { leMs: 50, count: 100 },
        { leMs: Number.POSITIVE_INFINITY, count: 100 },
      ],
      latencySumMs: 200,
    };
    const after: RevisionSample = {
      requests: 300,
      errors: 4,
      retried: 4,
      buckets: [
        { leMs: 5, count: 250 },
        { leMs: 50, count: 298 },
        { leMs: Number.POSITIVE_INFINITY, count: 300 },
      ],
      latencySumMs: 1200,
    };
    assert.deepEqual(windowStats(before, after, 2000), {
      requestsPerSec: 100,
      errorRate: 0.02,
      meanMs: 5,
      p50Ms: 5,
      p99Ms: 50,
    });
  });

  test('no requests in the window: only a zero rate; a p99 in the +Inf bucket is unknown', () => {
    const s = parseProxyMetrics(TEXT)['4'] as RevisionSample;
    assert.deepEqual(windowStats(s, s, 1000), { requestsPerSec: 0 });
    const slow = {
      ...s,
      buckets: [
        { leMs: 5, count: 0 },
        { leMs: Number.POSITIVE_INFINITY, count: 100 },
      ],
    };
    const stats = windowStats(undefined, slow, 1000);
    assert.equal(stats.p99Ms, undefined);
    assert.equal(stats.errorRate, 0.3);
  });
});
