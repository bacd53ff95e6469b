import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeExpositions } from '../../../src/targets/local/daemon/metrics.ts';

const proxyText = (n: number) => `# HELP slipway_proxy_requests_total Requests.
# TYPE slipway_proxy_requests_total counter
slipway_proxy_requests_total{revision="1"} ${n}
# HELP slipway_proxy_latency_ms Latency.
# TYPE slipway_proxy_latency_ms histogram
slipway_proxy_latency_ms_bucket{le="5",revision="1"} ${n}
slipway_proxy_latency_ms_sum{revision="1"} 10
slipway_proxy_latency_ms_count{revision="1"} ${n}
slipway_proxy_unrouted_total ${n}
`;

test('several proxies merge into one valid exposition, one HELP/TYPE per family, environment labelled', () => {
  const merged = mergeExpositions([
    ['development', proxyText(3)],
    ['preview', proxyText(7)],
  ]);
  assert.equal(merged.match(/# TYPE slipway_proxy_requests_total counter/g)?.length, 1);
  assert.equal(merged.match(/# HELP slipway_proxy_latency_ms /g)?.length, 1);
  assert.match(merged, /slipway_proxy_requests_total\{environment="development",revision="1"\} 3\n/);
  assert.match(merged, /slipway_proxy_requests_total\{environment="preview",revision="1"\} 7\n/);
  assert.match(merged, /slipway_proxy_unrouted_total\{environment="preview"\} 7\n/);
  // A histogram's series stay under their family, after its TYPE line.
  const lines = merged.split('\n');
  const type = lines.indexOf('# TYPE slipway_proxy_latency_ms histogram');
  const bucket = lines.indexOf(
    'slipway_proxy_latency_ms_bucket{environment="preview",le="5",revision="1"} 7',
  );
  assert.ok(type >= 0 && bucket > type);
  assert.ok(
    lines.slice(type, bucket).every((l) => l.startsWith('slipway_proxy_latency_ms') || l.startsWith('#')),
  );
});

test('no environment, no output', () => {
  assert.equal(mergeExpositions([]), '');
});
