/**
 * Rules for `analysis.queries` that span sections: a Prometheus query needs a server (its own
 * `address` or the environment's `analysis.prometheus.url`), and templates may only use the names
 * the engine substitutes. Like `target-checks.ts`, they read the merged, not yet validated config
 * and skip values of the wrong type (the schema reports those).
 */
import { isMapping } from './merge.ts';
import type { RawProblem } from './problems.ts';

/** What `{{…}}` may name in a query or an HTTP check URL. */
export const TEMPLATE_NAMES = ['revision', 'service', 'environment', 'namespace'] as const;

export function queryChecks(config: unknown, add: (p: RawProblem) => void): void {
  const analysis = isMapping(config) ? config.analysis : undefined;
  if (!isMapping(analysis) || !Array.isArray(analysis.queries)) return;
  const prometheus = analysis.prometheus;
  const defaultUrl = isMapping(prometheus) ? prometheus.url : undefined;
  analysis.queries.forEach((q: unknown, i: number) => {
    if (!isMapping(q)) return;
    const at = ['analysis', 'queries', i];
    if (q.provider === 'prometheus' && q.address === undefined && defaultUrl === undefined) {
      add({
        path: [...at, 'address'],
        message: `is required: query ${JSON.stringify(q.name)} reads Prometheus, and analysis.prometheus.url is not set`,
        expected: 'a Prometheus base URL such as http://prometheus.monitoring:9090',
        hint: 'set address on the query, or analysis.prometheus.url for this environment (SLIPWAY_PROMETHEUS_URL only replaces a configured URL)',
      });
    }
    const field = q.provider === 'http' ? 'url' : 'query';
    const text = q[field];
    if (typeof text !== 'string') return;
    for (const [, name] of text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
      if ((TEMPLATE_NAMES as readonly string[]).includes(name as string)) continue;
      add({
        path: [...at, field],
        message: `uses {{${name}}}, which is not substituted`,
        value: text,
        expected: `only ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')}`,
      });
    }
  });
}
