import { z } from 'zod';
import { countOrPercent, dnsName, duration, durationOrZero, evenWithIssues, port } from './common.ts';

const rolling = z
  .strictObject({
    maxSurge: countOrPercent()
      .default(1)
      .meta({ description: 'Extra instances above `replicas` during the roll (count or "25%").' }),
    maxUnavailable: countOrPercent()
      .default(0)
      .meta({ description: 'Instances that may be missing during the roll (0 keeps full capacity).' }),
  })
  .superRefine((r, ctx) => {
    if (r.maxSurge === 0 || r.maxSurge === '0%') {
      ctx.addIssue({
        code: 'custom',
        path: ['maxSurge'],
        message: 'allows no extra instance',
        input: r.maxSurge,
        params: {
          expected: 'at least 1 (or a percentage above 0%)',
          hint: 'Slipway starts a new instance before it stops an old one, so capacity never dips',
        },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'Replace instances in batches.' });

const blueGreen = z
  .strictObject({
    prePromotionAnalysis: z
      .union([
        z.boolean(),
        z.strictObject({
          maxDuration: duration().meta({
            description:
              "The preview's time to receive requests: then analysis.noData decides a candidate without any, and an inconclusive one is rolled back.",
          }),
        }),
      ])
      .default(true)
      .meta({
        description:
          'Judge the candidate through its preview before any user traffic reaches it: true (until progressDeadline), false, or { maxDuration }.',
      }),
    autoPromote: z
      .boolean()
      .default(true)
      .meta({ description: 'Switch on a passing verdict; false waits for `slipway promote`.' }),
    scaleDownDelay: durationOrZero()
      .default('30s')
      .meta({ description: 'Keep the old revision running this long after the switch (instant rollback).' }),
    preview: z
      .strictObject({
        port: port().optional().meta({ description: 'local: proxy port that serves the candidate.' }),
        host: dnsName('host name').optional().meta({ description: 'kubernetes: preview host name.' }),
      })
      .optional()
      .meta({ description: 'Where the candidate can be reached before the switch.' }),
  })
  .meta({ description: 'Start the candidate at full capacity, then switch all traffic at once.' });

export const canaryStep = z
  .strictObject({
    setWeight: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: 'Percent of traffic sent to the candidate.' }),
    pause: z
      .strictObject({
        duration: duration().optional().meta({ description: 'Omit to wait until `slipway promote`.' }),
      })
      .optional()
      .meta({ description: 'Hold the current weight.' }),
    analysis: z
      .strictObject({
        maxDuration: duration().meta({ description: 'Give up (inconclusive) after this long.' }),
      })
      .optional()
      .meta({ description: 'Judge the candidate until a verdict.' }),
  })
  .superRefine((step, ctx) => {
    const kinds = (['setWeight', 'pause', 'analysis'] as const).filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0 ? 'is an empty step' : `combines ${kinds.join(' and ')} in one step`,
        input: step,
        params: {
          expected: 'exactly one of setWeight, pause, analysis',
          hint: 'write each action as its own list item: - setWeight: 10  then  - pause: {duration: 1m}',
        },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'One of: setWeight, pause, analysis.' });

const canary = z
  .strictObject({
    steps: z
      .array(canaryStep)
      .min(1)
      .superRefine((steps, ctx) => {
        if (!Array.isArray(steps)) return; // the type error is reported on its own
        let previous: { weight: number; index: number } | undefined;
        steps.forEach((step, index) => {
          const weight = (step as { setWeight?: unknown } | null)?.setWeight;
          if (typeof weight !== 'number' || weight < 0 || weight > 100) return; // range is reported apart
          if (previous && weight < previous.weight) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'setWeight'],
              message: `is lower than the weight before it (${previous.weight} at steps[${previous.index}])`,
              input: weight,
              params: {
                expected: `a weight of at least ${previous.weight}`,
                hint: 'weights only go up; a rollback is automatic and needs no step',
              },
            });
          }
          previous = { weight, index };
        });
      }, evenWithIssues)
      .meta({ description: 'Ordered steps; after the last one the candidate is promoted to 100%.' }),
    continuousAnalysis: z
      .boolean()
      .default(true)
      .meta({ description: 'Judge continuously during every step, not only in analysis steps.' }),
  })
  .meta({ description: 'Move traffic to the candidate step by step.' });

export const STRATEGY_KINDS = ['rolling', 'blue-green', 'canary'] as const;

export const strategy = z
  .strictObject({
    rolling: rolling.optional(),
    'blue-green': blueGreen.optional(),
    canary: canary.optional(),
  })
  .superRefine((s, ctx) => {
    const kinds = STRATEGY_KINDS.filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0 ? 'names no strategy' : `names ${kinds.length} strategies (${kinds.join(', ')})`,
        input: s,
        params: {
          expected: 'exactly one of rolling, blue-green, canary',
          hint: 'an environment that names another strategy than the base replaces it',
        },
      });
    }
  }, evenWithIssues)
  .prefault({ rolling: {} })
  .meta({
    description: 'How traffic and capacity move from stable to candidate.',
    minProperties: 1,
    maxProperties: 1,
  });
