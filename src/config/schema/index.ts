/**
 * The `slipway.yaml` schema: one source for validation, TypeScript types and the published JSON
 * Schema. Three views of the same shape:
 * - `resolvedSchema`: one environment after the overlay merge (every rule, defaults applied);
 * - `baseSchema`: the top of the file, where every section may be partial (environments complete it);
 * - `overlaySchema`: an environment entry: any base key, `null` to remove one, plus a required target.
 */
import { z } from 'zod';
import { advice } from './advice.ts';
import { analysis } from './analysis.ts';
import { artifact } from './artifact.ts';
import { autoscaling, resources } from './capacity.ts';
import { dnsLabel, duration, envVarName, evenWithIssues, port } from './common.ts';
import { env, secrets } from './env.ts';
import { health } from './health.ts';
import { kubernetes } from './kubernetes.ts';
import { loosen } from './loosen.ts';
import { notifications } from './notifications.ts';
import { proxy } from './proxy.ts';
import { strategy } from './strategy.ts';

export const TARGETS = ['local', 'kubernetes'] as const;
export type TargetName = (typeof TARGETS)[number];

const service = dnsLabel('service name').meta({
  description: 'Service name; used in object and process names.',
});

/** Keys an environment may override; `service` is fixed for the whole file. */
const overridable = {
  artifact,
  port: port().default(8080).meta({ description: 'Port the service listens on inside its instance.' }),
  portEnv: envVarName()
    .default('PORT')
    .meta({ description: 'Environment variable that tells an instance which port to listen on.' }),
  health,
  replicas: z.number().int().min(1).max(1000).default(1).meta({ description: 'Instances of a revision.' }),
  resources: resources.optional(),
  env: env.default({}),
  secrets: secrets.default({}),
  strategy,
  analysis,
  autoscaling: autoscaling.optional(),
  proxy,
  kubernetes,
  notifications,
  progressDeadline: duration()
    .default('10m')
    .meta({ description: 'A release that makes no progress for this long fails and is rolled back.' }),
};

const target = z.enum(TARGETS).meta({ description: 'Where this environment runs.' });

export const resolvedSchema = z.strictObject({ service, ...overridable, target });

export const overlaySchema = z
  .strictObject({ ...loosen(z.strictObject(overridable), { nullable: true }).shape, target })
  .meta({ description: 'Overrides of any top-level key (null removes one), plus the target.' });

export const environmentsSchema = z
  .record(dnsLabel('environment name'), overlaySchema)
  .superRefine((envs, ctx) => {
    if (Object.keys(envs).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'defines no environment',
        input: envs,
        params: { expected: 'at least one environment', hint: 'e.g. development: {target: local}' },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'Environment name → overlay.', minProperties: 1 });

export const fileSchema = z
  .strictObject({
    ...loosen(z.strictObject(overridable), { nullable: false }).shape,
    service,
    environments: environmentsSchema,
  })
  .meta({ title: 'slipway.yaml', description: 'A service and its environments, for Slipway.' });

advice.add(overlaySchema, {
  keys: { service: 'the service name is the same in every environment' },
  empty: { message: 'is empty', hint: 'an environment needs at least its target, e.g. target: local' },
});
advice.add(fileSchema, {
  keys: { target: 'the target is chosen per environment: environments.<name>.target' },
});

/** One environment, merged and validated, with defaults applied. */
export type ResolvedConfig = z.output<typeof resolvedSchema>;
/** What a user may write in `slipway.yaml`. */
export type SlipwayFile = z.input<typeof fileSchema>;
export type Strategy = ResolvedConfig['strategy'];
export type CanaryStepConfig = NonNullable<Strategy['canary']>['steps'][number];
