import { z } from 'zod';
import { dnsLabel, duration, evenWithIssues } from './common.ts';

const threshold = {
  max: z.number().optional().meta({ description: 'Fail when the value is above this.' }),
  min: z.number().optional().meta({ description: 'Fail when the value is below this.' }),
};

function needsThreshold(q: { max?: number; min?: number }, ctx: z.RefinementCtx): void {
  if (q.max === undefined && q.min === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'has no threshold',
      input: q,
      params: { expected: 'max and/or min', hint: 'a query without a threshold can never fail' },
    });
  } else if (q.max !== undefined && q.min !== undefined && q.min > q.max) {
    ctx.addIssue({
      code: 'custom',
      path: ['min'],
      message: `is above max (${q.max})`,
      input: q.min,
      params: { expected: `at most ${q.max}` },
    });
  }
}

const prometheusQuery = z
  .strictObject({
    name: dnsLabel('query name'),
    provider: z.literal('prometheus'),
    address: z.url().optional().meta({
      description: 'Prometheus base URL; defaults to analysis.prometheus.url (one of them is required).',
    }),
    query: z.string().trim().min(1).meta({
      description:
        'PromQL returning one number for the candidate; {{revision}}, {{service}}, {{environment}}, {{namespace}} are substituted.',
    }),
    ...threshold,
  })
  .superRefine(needsThreshold, evenWithIssues);

const httpQuery = z
  .strictObject({
    name: dnsLabel('query name'),
    provider: z.literal('http'),
    url: z.url().meta({
      description:
        'Checked against the candidate; {{revision}} (and {{service}}, {{environment}}, {{namespace}}) are substituted, and the request carries x-slipway-revision.',
    }),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    expectStatus: z.number().int().min(100).max(599).default(200),
    timeout: duration().default('5s'),
  })
  .meta({ description: 'An HTTP check that passes when the answer has the expected status.' });

export const query = z.discriminatedUnion('provider', [prometheusQuery, httpQuery]);

const promql = (description: string) => z.string().trim().min(1).optional().meta({ description });

/** Where the kubernetes target reads per-revision request counters (the local target counts in its proxy). */
const prometheusSource = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).meta({
      description:
        'Prometheus base URL reachable from where slipway runs, e.g. http://kps-prometheus.monitoring.svc.cluster.local:9090.',
    }),
    requests: promql(
      'PromQL for one revision’s cumulative request count; {{revision}}, {{service}}, {{environment}}, {{namespace}} are substituted. Default: sum of http_requests_total by the revision’s pod labels.',
    ),
    errors: promql(
      'PromQL for one revision’s cumulative failed requests. Default: the 5xx part of requests.',
    ),
    slow: promql(
      'PromQL for one revision’s cumulative slow requests. Default, with latency.maxMs: the requests above the maxMs bucket of http_request_duration_seconds; otherwise none (0).',
    ),
    scrapeInterval: duration().default('5s').meta({
      description:
        'How often Prometheus scrapes the pods (the rendered PodMonitor’s interval). Analysis sees a failure no sooner than a scrape after it, so a shorter interval means fewer failed requests before a rollback.',
    }),
  })
  .optional()
  .meta({ description: 'Kubernetes: the Prometheus analysis reads request and error counters from.' });

export const analysis = z
  .strictObject({
    maxErrorRate: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.01)
      .meta({ description: 'Largest acceptable candidate error rate (5xx and connection failures).' }),
    latency: z
      .strictObject({
        maxMs: z.number().int().min(1).meta({ description: 'A candidate request slower than this is slow.' }),
        percentile: z.number().gt(0).lt(100).optional().meta({
          description:
            'Fail when this percentile of candidate latency exceeds maxMs (99: at most 1% slow). Without it, slow requests are only compared with stable.',
        }),
      })
      .optional()
      .meta({ description: 'Latency as evidence: slow requests count like errors.' }),
    failureBudget: z.number().int().min(1).default(20).meta({
      description: 'Roll back once this many candidate requests failed, whatever the statistics say.',
    }),
    minSample: z
      .number()
      .int()
      .min(1)
      .default(100)
      .meta({ description: 'Candidate requests needed before a pass.' }),
    alpha: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.01)
      .meta({ description: 'Bound on the probability of rolling back a candidate no worse than stable.' }),
    interval: duration()
      .optional()
      .meta({ description: 'How often counters and queries are re-read while analysis runs (default 1s).' }),
    noData: z.enum(['fail', 'pass', 'inconclusive']).default('inconclusive').meta({
      description: 'Verdict when the candidate received no requests at all, or a custom query has no data.',
    }),
    prometheus: prometheusSource,
    queries: z
      .array(query)
      .superRefine((qs, ctx) => {
        if (!Array.isArray(qs)) return; // the type error is reported on its own
        const seen = new Map<string, number>();
        qs.forEach((q, i) => {
          const name = (q as { name?: unknown } | null)?.name;
          if (typeof name !== 'string') return;
          const first = seen.get(name);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'name'],
              message: `repeats the name of queries[${first}]`,
              input: name,
              params: { expected: 'a unique query name', hint: 'names label verdict reasons' },
            });
          } else seen.set(name, i);
        });
      }, evenWithIssues)
      .optional()
      .meta({
        description:
          'Custom evidence beyond error rate and latency: out of bounds on 2 consecutive reads rolls back; a pass needs all in bounds.',
      }),
  })
  .prefault({})
  .meta({ description: 'What a good release is, and how sure Slipway must be before it decides.' });
