/** Replicas, autoscaling and resource requests. */
import { z } from 'zod';
import { cpuQuantity, duration, durationOrZero, evenWithIssues, memoryQuantity } from './common.ts';

const scalingPolicy = z
  .strictObject({
    stabilizationWindow: durationOrZero().optional(),
    maxPercent: z.number().int().min(1).optional().meta({ description: 'Largest change per period, in %.' }),
    maxPods: z.number().int().min(1).optional().meta({ description: 'Largest change per period, in pods.' }),
    period: duration().optional().meta({ description: 'Window for maxPercent / maxPods (default 1m).' }),
  })
  .optional();

export const autoscaling = z
  .strictObject({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    targetCPU: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(70)
      .meta({ description: 'Average CPU utilisation, in % of requests.' }),
    behavior: z.strictObject({ scaleUp: scalingPolicy, scaleDown: scalingPolicy }).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.min > a.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `is above max (${a.max})`,
        input: a.min,
        params: { expected: `at most ${a.max}` },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'Horizontal autoscaling (kubernetes target).' });

const amounts = z.strictObject({ cpu: cpuQuantity().optional(), memory: memoryQuantity().optional() });

/** CPU in millicores, memory in bytes; undefined for malformed input (reported elsewhere). */
export function quantity(kind: 'cpu' | 'memory', value: string | number): number | undefined {
  if (typeof value === 'number') return kind === 'cpu' ? value * 1000 : value;
  if (kind === 'cpu') return value.endsWith('m') ? Number(value.slice(0, -1)) : Number(value) * 1000;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!m) return undefined;
  const scale: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? (scale[m[2]] ?? 1) : 1);
}

export const resources = z
  .strictObject({ requests: amounts.optional(), limits: amounts.optional() })
  .superRefine((r, ctx) => {
    for (const kind of ['cpu', 'memory'] as const) {
      const request = r.requests?.[kind];
      const limit = r.limits?.[kind];
      const measurable = (v: unknown) => typeof v === 'string' || typeof v === 'number';
      if (!measurable(request) || !measurable(limit)) continue;
      const req = quantity(kind, request);
      const lim = quantity(kind, limit);
      if (req !== undefined && lim !== undefined && req > lim) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', kind],
          message: `is above the limit (${limit})`,
          input: request,
          params: { expected: `at most ${limit}`, hint: 'a request above its limit can never be scheduled' },
        });
      }
    }
  }, evenWithIssues)
  .meta({ description: 'Per-instance requests and limits (kubernetes quantities).' });
