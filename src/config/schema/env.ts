/** Plain environment variables and secret references (never secret values). */
import { z } from 'zod';
import { advice } from './advice.ts';
import { dnsName, envVarName, evenWithIssues, patterned } from './common.ts';

/** Names that almost always hold credentials; their values belong in `secrets`. */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?)(_|$)/i;
/** `scheme://user:password@host`: a URL with an embedded password. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

export const env = z
  .record(envVarName(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((vars, ctx) => {
    for (const [name, value] of Object.entries(vars)) {
      const reason = SECRET_NAME.test(name)
        ? 'its name says it holds a credential'
        : typeof value === 'string' && URL_WITH_PASSWORD.test(value)
          ? 'it embeds a password in a URL'
          : undefined;
      if (reason) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `looks like a secret value (${reason})`,
          input: '<redacted>',
          params: {
            expected: 'a non-secret value',
            hint: `move it to secrets: ${name}: {source: kubernetes-secret, name: <secret>, key: <key>}`,
          },
        });
      }
    }
  }, evenWithIssues)
  .meta({ description: 'Plain environment variables (numbers and booleans are passed as strings).' });

export const SECRET_SOURCES = ['file', 'env', 'kubernetes-secret', 'external-secret'] as const;

export const secretRef = z
  .strictObject({
    source: z.enum(SECRET_SOURCES).meta({
      description:
        'file: a local dotenv file; env: the deployer’s environment; kubernetes-secret: a Secret; external-secret: an ExternalSecret.',
    }),
    key: patterned(/^[-._a-zA-Z0-9]{1,253}$/, {
      message: 'is not a secret key name',
      expected: 'a key name (letters, digits, -, _ and .)',
      hint: 'secrets hold references: name the key where the value is stored, never the value',
    }),
    name: dnsName('secret name')
      .optional()
      .meta({ description: 'kubernetes-secret / external-secret: the object holding the key.' }),
    optional: z
      .boolean()
      .default(false)
      .meta({ description: 'Start without it when the source lacks the key (otherwise the release fails).' }),
    path: z.string().min(1).optional().meta({
      description: 'file: dotenv file relative to slipway.yaml (default .slipway/secrets.<env>.env).',
    }),
  })
  .superRefine((ref, ctx) => {
    const needsName = ref.source === 'kubernetes-secret' || ref.source === 'external-secret';
    if (needsName && ref.name === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `is required for source ${ref.source}`,
        input: undefined,
        params: { expected: 'the name of the Secret / ExternalSecret object', hint: 'e.g. name: hello-db' },
      });
    }
    if (!needsName && ref.name !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `has no meaning for source ${ref.source}`,
        input: ref.name,
        params: { expected: 'no name (use key, and path for files)' },
      });
    }
    if (ref.source !== 'file' && ref.path !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        message: `has no meaning for source ${ref.source}`,
        input: ref.path,
        params: { expected: 'path only with source: file' },
      });
    }
  }, evenWithIssues)
  .meta({ description: 'Where a secret value is read at deploy time. Never the value itself.' });

// Registered before any loosened copy of the schema is derived (they copy it).
advice.add(secretRef, {
  wrongType: {
    message: 'looks like an inline secret value',
    hint: 'secrets hold references only: {source: kubernetes-secret, name: <secret>, key: <key>} or {source: file, key: <KEY>}',
  },
  keys: { value: 'secrets hold references only; store the value in the source and name its key' },
});

export const secrets = z
  .record(envVarName(), secretRef)
  .meta({ description: 'Environment variables whose values are secrets, by reference.' });
