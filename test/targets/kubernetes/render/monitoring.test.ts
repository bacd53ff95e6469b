/**
 * The PodMonitor makes Prometheus carry exactly the labels `metrics.ts`'s default queries filter on,
 * from pods the render actually labels that way; strict validation and policies accept it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_QUERIES } from '../../../../src/targets/kubernetes/metrics.ts';
import type { KubeObject } from '../../../../src/targets/kubernetes/objects.ts';
import { renderArgoRollouts } from '../../../../src/targets/kubernetes/render/argo.ts';
import { renderEnvironment } from '../../../../src/targets/kubernetes/render/index.ts';
import { podLabelMeta } from '../../../../src/targets/kubernetes/render/monitoring.ts';
import { validateObjects, validateSchema } from '../../../../src/targets/kubernetes/validate/index.ts';
import { CONTEXTS, exampleEnvironments } from './example.ts';

const envs = await exampleEnvironments();

interface Relabeling {
  action: string;
  sourceLabels: string[];
  targetLabel: string;
}
interface PodMonitorSpec {
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: { port: string; path: string; relabelings: Relabeling[] }[];
}

/** `label="{{placeholder}}"` matchers of the default requests query. */
function queryMatchers(): Map<string, string> {
  const found = [...DEFAULT_QUERIES.requests.matchAll(/(\w+)="\{\{(\w+)\}\}"/g)];
  return new Map(found.map((m) => [m[1]!, m[2]!]));
}

const podMonitorOf = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'PodMonitor');

test('the PodMonitor relabels pod labels into every label the default queries filter on', () => {
  const ctx = CONTEXTS.production!;
  const objects = renderEnvironment(envs.production!, ctx);
  const monitors = podMonitorOf(objects);
  assert.equal(monitors.length, 1);
  const spec = monitors[0]!.spec as PodMonitorSpec;
  const endpoint = spec.podMetricsEndpoints[0]!;
  assert.equal(endpoint.path, '/metrics');
  const matchers = queryMatchers();
  assert.deepEqual([...matchers.keys()].sort(), ['namespace', 'service', 'slipway_dev_release']);

  const deployments = objects.filter((o) => o.kind === 'Deployment');
  assert.equal(deployments.length, ctx.revisions.length);
  for (const d of deployments) {
    const template = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    const podLabels = template.metadata.labels;
    // The selector picks every revision's pods.
    for (const [k, v] of Object.entries(spec.selector.matchLabels)) assert.equal(podLabels[k], v, k);
    // What each relabeling writes is what the query substitutes for that label.
    const expected: Record<string, string> = {
      service: envs.production!.service,
      revision: podLabels['slipway.dev/release']!,
    };
    for (const [label, placeholder] of matchers) {
      if (label === 'namespace') continue; // set by prometheus-operator from service discovery
      const rule = endpoint.relabelings.find((r) => r.targetLabel === label);
      assert.ok(rule, `no relabeling writes ${label}`);
      assert.equal(rule.action, 'replace');
      const source = Object.keys(podLabels).find((k) => podLabelMeta(k) === rule.sourceLabels[0]);
      assert.ok(source, `${rule.sourceLabels[0]} is no label of ${d.metadata.name}'s pods`);
      assert.equal(podLabels[source], expected[placeholder], `${label} on ${d.metadata.name}`);
    }
    // The scraped port is one the pods declare.
    const containers = (d.spec as { template: { spec: { containers: { ports?: { name: string }[] }[] } } })
      .template.spec.containers;
    assert.ok(containers.some((c) => c.ports?.some((p) => p.name === endpoint.port)));
  }
});

test('the PodMonitor carries the ownership labels prune selects by', () => {
  const [monitor] = podMonitorOf(renderEnvironment(envs.staging!, CONTEXTS.staging!));
  assert.ok(monitor);
  assert.equal(monitor.metadata.namespace, envs.staging!.kubernetes.namespace);
  assert.equal(monitor.metadata.labels?.['app.kubernetes.io/managed-by'], 'slipway');
  assert.equal(monitor.metadata.labels?.['app.kubernetes.io/part-of'], 'hello');
  assert.equal(monitor.metadata.labels?.['slipway.dev/environment'], 'staging');
});

test('no analysis.prometheus, no PodMonitor', () => {
  const env = envs.production!;
  const without = { ...env, analysis: { ...env.analysis, prometheus: undefined } };
  assert.deepEqual(podMonitorOf(renderEnvironment(without, CONTEXTS.production!)), []);
  assert.deepEqual(podMonitorOf(renderArgoRollouts(without, CONTEXTS.production!).objects), []);
});

test('strict validation and the policies accept the PodMonitor, and reject an unknown field in it', () => {
  for (const name of ['staging', 'production']) {
    const objects = renderEnvironment(envs[name]!, CONTEXTS[name]!);
    const monitors = podMonitorOf(objects);
    const report = validateObjects(monitors);
    assert.deepEqual([report.schema, report.violations], [[], []], name);
  }
  const [monitor] = podMonitorOf(renderEnvironment(envs.production!, CONTEXTS.production!));
  const spec = monitor!.spec as PodMonitorSpec;
  const bad = {
    ...monitor!,
    spec: { ...spec, podMetricsEndpoints: [{ ...spec.podMetricsEndpoints[0], scrapeEvery: '5s' }] },
  };
  const errors = validateSchema([bad]);
  assert.deepEqual(
    errors.map((e) => [e.object, e.path, e.message]),
    [['PodMonitor/hello', 'spec.podMetricsEndpoints[0].scrapeEvery', 'unknown field']],
  );
});
