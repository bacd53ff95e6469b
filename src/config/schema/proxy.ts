import { z } from 'zod';
import { duration, port } from './common.ts';

/** RFC 9110 §9.2.2: repeating these has the same effect as sending them once. */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'] as const;

const method = z
  .string()
  .superRefine((m, ctx) => {
    if (!(IDEMPOTENT_METHODS as readonly string[]).includes(m)) {
      const known = ['POST', 'PATCH', 'CONNECT'].includes(m);
      ctx.addIssue({
        code: 'custom',
        message: known ? 'is not idempotent' : 'is not an HTTP method',
        input: m,
        params: {
          expected: `one of ${IDEMPOTENT_METHODS.join(', ')}`,
          hint: known ? 'retrying it could apply the same request twice' : 'methods are upper case',
        },
      });
    }
  })
  .meta({ enum: [...IDEMPOTENT_METHODS] });

export const proxy = z
  .strictObject({
    port: port().optional().meta({ description: 'Port the environment is served on (required on local).' }),
    sticky: z.boolean().default(false).meta({ description: 'Keep a client on one revision with a cookie.' }),
    retry: z
      .strictObject({
        methods: z.array(method).default(['GET', 'HEAD', 'OPTIONS']),
        budgetPercent: z
          .number()
          .min(0)
          .max(100)
          .default(10)
          .meta({ description: 'Retries allowed, in % of requests (0 disables retries).' }),
      })
      .prefault({})
      .meta({ description: 'A request that fails on the candidate is retried once on stable.' }),
    drainTimeout: duration()
      .default('30s')
      .meta({ description: 'How long a retired revision may finish in-flight requests.' }),
    pinning: z
      .strictObject({
        enabled: z.boolean().default(false).meta({
          description:
            'Honour pins signed by the daemon (`slipway pin`): a pinned request goes to the revision it names and is never evidence. Off: pin headers and cookies are ignored.',
        }),
        ttl: duration()
          .default('1h')
          .meta({ description: 'How long a pin from `slipway pin` stays valid when --ttl is not given.' }),
      })
      .prefault({})
      .meta({ description: 'Sending chosen requests to a chosen revision (testing a candidate by hand).' }),
  })
  .prefault({})
  .meta({ description: 'The local target’s traffic-splitting proxy.' });
