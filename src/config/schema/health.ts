import { z } from 'zod';
import { parseDuration } from '../duration.ts';
import { duration, evenWithIssues, urlPath } from './common.ts';

interface ProbeDefaults {
  path: string;
  period: string;
  timeout: string;
  failureThreshold: number;
}

function probe(defaults: ProbeDefaults, description: string) {
  return z
    .strictObject({
      path: urlPath().default(defaults.path),
      period: duration().default(defaults.period).meta({ description: 'How often to check.' }),
      timeout: duration().default(defaults.timeout).meta({ description: 'How long one check may take.' }),
      failureThreshold: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(defaults.failureThreshold)
        .meta({ description: 'Consecutive failures before the probe counts as failed.' }),
    })
    .superRefine((p, ctx) => {
      const period = parseDuration(p.period);
      const timeout = parseDuration(p.timeout);
      if (period !== undefined && timeout !== undefined && timeout > period) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeout'],
          message: `is longer than the period (${p.period})`,
          input: p.timeout,
          params: { expected: `at most ${p.period}`, hint: 'a check must finish before the next one starts' },
        });
      }
    }, evenWithIssues)
    .prefault({})
    .meta({ description });
}

export const health = z
  .strictObject({
    startup: probe(
      { path: '/healthz', period: '1s', timeout: '1s', failureThreshold: 60 },
      'Until it passes once, the instance is starting; failing it failureThreshold times fails the instance.',
    ),
    readiness: probe(
      { path: '/readyz', period: '2s', timeout: '1s', failureThreshold: 3 },
      'Whether the instance should receive traffic now.',
    ),
    liveness: probe(
      { path: '/healthz', period: '10s', timeout: '2s', failureThreshold: 3 },
      'Whether the instance must be restarted.',
    ),
  })
  .prefault({})
  .meta({ description: 'HTTP health checks, sent to the instance port.' });
