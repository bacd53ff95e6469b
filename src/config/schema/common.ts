/**
 * Building blocks shared by the `slipway.yaml` sections. Every refinement attaches
 * `params: { expected, hint }` so `problems.ts` can print what was expected and how to fix it.
 */
import { z } from 'zod';
import { DURATION_PATTERN, MAX_DURATION_MS, parseDuration } from '../duration.ts';
import { advice } from './advice.ts';

/**
 * Run an object/list refinement even when a sibling value has its own issue, so every problem is
 * reported in one pass. The refinement must then tolerate wrongly typed members.
 */
export const evenWithIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** What a refinement tells the user beyond "what is wrong": the expected form and how to fix it. */
export interface Advice {
  message: string;
  expected: string;
  hint?: string;
}

/**
 * A string that must match `re`. Zod's own `.regex()` drops custom params, so the check is a
 * refinement and the pattern is published to the JSON Schema through metadata.
 */
export function patterned(re: RegExp, advice: Advice) {
  return z
    .string()
    .superRefine((text, ctx) => {
      if (!re.test(text)) {
        ctx.addIssue({
          code: 'custom',
          message: advice.message,
          input: text,
          params: { expected: advice.expected, hint: advice.hint },
        });
      }
    })
    .meta({ pattern: re.source });
}

const DURATION_EXPECTED = 'a duration such as 500ms, 30s, 5m or 1h30m';

function durationSchema(allowZero: boolean) {
  const schema = z
    .string()
    .superRefine((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'is not a valid duration',
          input: text,
          params: {
            expected: DURATION_EXPECTED,
            hint: 'use integer amounts with units h, m, s, ms in that order (1.5h is written 1h30m)',
          },
        });
      } else if (!allowZero && ms === 0) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be longer than zero',
          input: text,
          params: { expected: `a positive ${DURATION_EXPECTED}`, hint: 'omit the key to use the default' },
        });
      } else if (ms > MAX_DURATION_MS) {
        ctx.addIssue({
          code: 'custom',
          message: 'is longer than 30 days',
          input: text,
          params: { expected: 'at most 720h', hint: 'check the unit (m is minutes, ms is milliseconds)' },
        });
      }
    })
    .meta({ pattern: DURATION_PATTERN, examples: ['30s', '5m', '1h30m'] });
  advice.add(schema, {
    wrongType: {
      message: 'must be a duration string',
      expected: DURATION_EXPECTED,
      hint: 'a bare number is ambiguous (seconds? milliseconds?): add the unit, e.g. 30s',
    },
  });
  return schema;
}

/** A positive human duration (`30s`). */
export const duration = () => durationSchema(false);
/** A human duration that may be `0s` (e.g. "no delay"). */
export const durationOrZero = () => durationSchema(true);

/** Lowercase DNS label: usable in Kubernetes object names, process names and file names. */
export const dnsLabel = (what: string) =>
  patterned(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    message: `is not a valid ${what}`,
    expected: 'at most 63 lowercase letters, digits and dashes, starting with a letter (a DNS label)',
    hint: 'e.g. "hello" or "checkout-api"',
  });

/** A DNS name (host names, Kubernetes object names with dots). */
export const dnsName = (what: string) =>
  patterned(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: `is not a valid ${what}`,
    expected: 'a lowercase DNS name such as hello.example.com',
  });

/** An environment variable name. */
export const envVarName = () =>
  patterned(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'is not a valid environment variable name',
    expected: 'letters, digits and underscores, not starting with a digit',
    hint: 'e.g. LOG_LEVEL',
  });

export const port = () => z.number().int().min(1).max(65535);

/** An absolute count or a percentage string ("25%"), as Kubernetes accepts for surge and PDBs. */
export const countOrPercent = () =>
  z.union([
    z.number().int().min(0),
    patterned(/^(100|[1-9]?\d)%$/, {
      message: 'is not a count or a percentage',
      expected: 'a whole number or a percentage from 0% to 100%',
      hint: 'e.g. 1 or "25%"',
    }),
  ]);

/** Kubernetes resource quantities: CPU (`250m`, `0.5`, `2`) and memory (`128Mi`, `1Gi`). */
export const cpuQuantity = () =>
  z.union([
    z.number().positive(),
    patterned(/^(\d+m|\d+(\.\d+)?)$/, {
      message: 'is not a CPU quantity',
      expected: 'millicores like 250m or cores like 0.5 or 2',
      hint: '1 core = 1000m',
    }),
  ]);
export const memoryQuantity = () =>
  patterned(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
    message: 'is not a memory quantity',
    expected: 'bytes with a unit such as 128Mi or 1Gi',
    hint: 'Mi/Gi are powers of two; M/G of ten',
  });

/** Absolute URL path used by health checks and HTTP routes. */
export const urlPath = () =>
  patterned(/^\/[^\s?#]*$/, {
    message: 'is not a URL path',
    expected: 'a path starting with / (no query string)',
    hint: 'e.g. /healthz',
  });
