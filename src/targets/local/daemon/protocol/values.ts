/**
 * The values that cross the daemon's control API, as zod schemas: the daemon parses every request
 * with them (a bad shape is a 400 naming the field) and the types the client sends are inferred
 * from the same schemas, so the two sides cannot drift. Numbers that become file names (releases,
 * digests, environment names) are constrained here, before any path is built from them.
 */
import { z } from 'zod';
import { PHASE_ORDER } from '../../../../core/phase.ts';
import type { Phase } from '../../../../core/types.ts';

/** Lowercase letters, digits and dashes; the same rule as `checkEnvironmentName`. */
export const environmentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (e.g. "staging")');

/** A release number: a whole number from 1 (it names files such as runtime/<env>/<release>.json). */
export const releaseNumber = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A release number in a URL or query string. */
export const releaseParam = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'a release number (1, 2, 3, …)')
  .transform(Number);

export const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a digest like sha256:<64 hex digits>');

const millis = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 3600 * 1000);
const positiveMillis = millis.min(1);

export const probeSettings = z.strictObject({
  path: z.string().startsWith('/'),
  intervalMs: positiveMillis,
  timeoutMs: positiveMillis,
  failureThreshold: z.number().int().min(1),
});

export const secretRef = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  source: z.enum(['file', 'env']),
  key: z.string().min(1),
  file: z.string().startsWith('/', 'an absolute path').optional(),
  optional: z.boolean().optional(),
});

export const revisionRuntime = z.strictObject({
  release: releaseNumber,
  digest,
  start: z.string().min(1),
  portEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  env: z.record(z.string(), z.string()),
  secrets: z.array(secretRef),
  replicas: z.number().int().min(0).max(1000),
  startupTimeoutMs: positiveMillis,
  startup: probeSettings.optional(),
  readiness: probeSettings.optional(),
  liveness: probeSettings.optional(),
  stopGraceMs: millis,
  maxRestarts: z.number().int().min(0),
  backoffInitialMs: millis,
  backoffMaxMs: millis,
  stableAfterMs: millis,
});

export const proxySettings = z.strictObject({
  port: z.number().int().min(1).max(65535),
  host: z.string().min(1).optional(),
  sticky: z.boolean(),
  retry: z.strictObject({
    methods: z.array(z.string().regex(/^[A-Z]+$/, 'an HTTP method in capitals')),
    budgetPercent: z.number().min(0).max(100),
  }),
  latencyBoundMs: millis,
  pinning: z.boolean().optional(),
});

/** Revision id → percent. */
export const weights = z.record(
  z.string().regex(/^[1-9][0-9]{0,15}$/, 'a release number'),
  z.number().int().min(0).max(100),
);

export const verdict = z.strictObject({
  kind: z.enum(['pass', 'fail', 'inconclusive']),
  reasons: z.array(z.string()),
  evidence: z.record(z.string(), z.number()),
});

export const phase = z.enum(PHASE_ORDER as [Phase, ...Phase[]]);

const count = z.number().int().min(0);
const revisionCounts = z.strictObject({ requests: count, errors: count, slow: count });

/** A line of the engine's decision journal (`DecisionRecord`): the inputs `slipway why` tells. */
export const decisionRecord = z.strictObject({
  rule: z.string().min(1),
  phase,
  awaiting: z.enum(['target', 'time', 'operator', 'evidence']).optional(),
  looked: z.boolean(),
  abort: z
    .strictObject({
      cause: z.enum(['operator', 'analysis', 'candidate-failed', 'deadline', 'lock-lost']),
      reason: z.string(),
      rule: z.string().optional(),
    })
    .optional(),
  revisions: z.array(
    z.strictObject({ release: count, desired: count, ready: count, failed: z.string().optional() }),
  ),
  counts: z.record(z.string(), revisionCounts),
  metricSource: z.literal('none').optional(),
  checks: z
    .array(z.strictObject({ name: z.string(), value: z.number().optional(), error: z.string().optional() }))
    .optional(),
  commands: z.array(z.enum(['promote', 'abort', 'pause', 'resume'])).optional(),
  actions: z.array(
    z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('ensure-revision'), release: count, replicas: count }),
      z.strictObject({ kind: z.literal('set-traffic'), weights, stable: count.optional() }),
      z.strictObject({ kind: z.literal('retire-revision'), release: count, drainMs: count }),
    ]),
  ),
});

export const ledgerEvent = z.strictObject({
  kind: z.enum([
    'started',
    'step',
    'traffic',
    'analysis',
    'paused',
    'resumed',
    'promoted',
    'aborted',
    'rolled-back',
    'failed',
    'decision',
  ]),
  release: releaseNumber,
  at: z.number(),
  reason: z.string(),
  verdict: verdict.optional(),
  weights: weights.optional(),
  decision: decisionRecord.optional(),
});

export const operatorCommand = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('promote'), at: z.number(), full: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('abort'), at: z.number(), reason: z.string().optional() }),
  z.strictObject({ kind: z.literal('pause'), at: z.number() }),
  z.strictObject({ kind: z.literal('resume'), at: z.number() }),
]);

/** Any JSON value (what the engine stores as a release's config, spec and progress memo). */
const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);

export const releaseRecord = z.strictObject({
  release: releaseNumber,
  environment: environmentName,
  service: z.string().min(1),
  digest: z.string().min(1),
  artifactRef: z.string().optional(),
  configHash: z.string(),
  config: json,
  strategy: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  outcome: phase.optional(),
  reasons: z.array(z.string()),
  spec: z.record(z.string(), json).optional(),
});

export const progressMemo = json;
