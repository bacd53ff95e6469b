import { z } from 'zod';
import { countOrPercent, dnsLabel, dnsName, duration, evenWithIssues, patterned } from './common.ts';

const ingress = z
  .strictObject({
    host: dnsName('host name'),
    className: z.string().min(1).optional().meta({ description: 'ingressClassName.' }),
    tls: z.strictObject({ secretName: dnsName('secret name') }).optional(),
  })
  .meta({ description: 'Expose the stable Service through an Ingress.' });

const gateway = z
  .strictObject({
    parentRef: z.strictObject({
      name: dnsName('Gateway name'),
      namespace: dnsLabel('namespace').optional(),
      sectionName: z.string().min(1).optional(),
    }),
    hostnames: z.array(dnsName('host name')).optional(),
  })
  .meta({ description: 'Route through a Gateway API HTTPRoute (weighted canary traffic).' });

const pdb = z
  .strictObject({ minAvailable: countOrPercent().optional(), maxUnavailable: countOrPercent().optional() })
  .superRefine((p, ctx) => {
    if ((p.minAvailable === undefined) === (p.maxUnavailable === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must set exactly one of minAvailable, maxUnavailable',
        input: p,
        params: { expected: 'minAvailable or maxUnavailable', hint: 'Kubernetes accepts only one of them' },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'PodDisruptionBudget.' });

const waiver = z
  .strictObject({
    rule: patterned(/^[a-z0-9][a-z0-9-]*$/, {
      message: 'is not a rule id',
      expected: 'a policy rule id in kebab-case',
      hint: 'slipway render lists rule ids with each violation',
    }).meta({ description: 'Policy rule id, e.g. read-only-root.' }),
    reason: z
      .string()
      .trim()
      .min(10)
      .meta({ description: 'Why the rule does not apply here (reviewed like code).' }),
  })
  .meta({ description: 'An explicit exception to a built-in policy rule.' });

export const kubernetes = z
  .strictObject({
    namespace: dnsLabel('namespace').optional(),
    ingress: ingress.optional(),
    gateway: gateway.optional(),
    pdb: pdb.optional(),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().default(true),
        allowFromNamespaces: z.array(dnsLabel('namespace')).optional(),
      })
      .prefault({})
      .meta({ description: 'Deny ingress by default; allow from the gateway and these namespaces.' }),
    serviceAccount: z
      .strictObject({
        name: dnsName('service account name').optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    terminationGracePeriod: duration()
      .default('30s')
      .meta({ description: 'Time a pod has to drain after SIGTERM.' }),
    waivers: z.array(waiver).optional(),
  })
  .prefault({})
  .meta({ description: 'Settings for the kubernetes target.' });
