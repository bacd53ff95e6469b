/**
 * `notifications:` — where Slipway tells people about a release: a generic webhook (JSON, signed
 * with HMAC-SHA256), a Slack incoming webhook, or GitHub Deployments (a deployment per release and
 * its statuses, shown on the repository's Deployments page and its pull requests). Credentials are
 * references (the deployer's environment or a dotenv file), never values.
 */
import { z } from 'zod';
import { envVarName, patterned } from './common.ts';

export const NOTIFY_EVENTS = ['started', 'step', 'paused', 'promoted', 'rolled-back', 'failed'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Placeholders a template may use (`{{name}}`); anything else is a config error. */
export const TEMPLATE_FIELDS = [
  'service',
  'environment',
  'release',
  'event',
  'text',
  'digest',
  'strategy',
  'outcome',
] as const;

const credential = z
  .strictObject({
    source: z
      .enum(['env', 'file'])
      .meta({ description: 'env: the deployer’s environment; file: a dotenv file.' }),
    key: envVarName(),
    path: z.string().min(1).optional().meta({
      description: 'file: dotenv file relative to slipway.yaml (default .slipway/secrets.<env>.env).',
    }),
  })
  .meta({ description: 'Where the credential is read when a release runs. Never the value itself.' });

const template = z
  .string()
  .min(1)
  .max(2000)
  .superRefine((t, ctx) => {
    for (const m of t.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)) {
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1] as string)) {
        ctx.addIssue({
          code: 'custom',
          message: `uses an unknown placeholder {{${m[1]}}}`,
          input: t,
          params: {
            expected: `placeholders among ${TEMPLATE_FIELDS.join(', ')}`,
            hint: 'e.g. "{{service}} {{event}}: {{text}}"',
          },
        });
      }
    }
  })
  .meta({
    description: `Message template; placeholders: ${TEMPLATE_FIELDS.map((f) => `{{${f}}}`).join(' ')}.`,
  });

const httpUrl = patterned(/^https?:\/\/[^\s/$.?#][^\s]*$/i, {
  message: 'is not an http(s) URL',
  expected: 'a URL starting with https:// (or http:// for a receiver on this machine)',
  hint: 'e.g. https://hooks.example.com/slipway',
});

const common = {
  events: z
    .array(z.enum(NOTIFY_EVENTS))
    .min(1)
    .default([...NOTIFY_EVENTS])
    .meta({ description: 'Which events to send (default: all).' }),
  template: template.optional(),
};

const webhook = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl.meta({ description: 'Receiver URL (POST, JSON body).' }),
  secret: credential
    .optional()
    .meta({ description: 'HMAC-SHA256 key: the body is signed in x-slipway-signature-256: sha256=<hex>.' }),
  ...common,
});

const slack = z.strictObject({
  type: z.literal('slack'),
  webhook: credential.meta({ description: 'The Slack incoming-webhook URL (it is a credential).' }),
  ...common,
});

const github = z.strictObject({
  type: z.literal('github'),
  repository: patterned(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
    message: 'is not owner/repository',
    expected: 'owner/repository',
    hint: 'e.g. acme/hello',
  }),
  token: credential.meta({
    description: 'A token allowed to write deployments (in Actions: GITHUB_TOKEN with deployments: write).',
  }),
  apiUrl: httpUrl
    .default('https://api.github.com')
    .meta({ description: 'REST API base (GitHub Enterprise: https://HOST/api/v3).' }),
  environmentUrl: httpUrl
    .optional()
    .meta({ description: 'Shown on the deployment as the environment’s URL.' }),
  ...common,
});

export const notifications = z
  .array(z.discriminatedUnion('type', [webhook, slack, github]))
  .default([])
  .meta({ description: 'Where to send release events (webhook, slack, github).' });

export type NotificationConfig = z.output<typeof notifications>[number];
export type CredentialRef = z.output<typeof credential>;
