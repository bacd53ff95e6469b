/** Message templates: `{{name}}` placeholders filled from a notice (names checked by the config schema). */
import type { TEMPLATE_FIELDS } from '../config/schema/notifications.ts';
import type { ReleaseNotice } from './notice.ts';

type Field = (typeof TEMPLATE_FIELDS)[number];

const HEADLINE: Record<ReleaseNotice['event'], string> = {
  started: 'started',
  step: 'step passed',
  paused: 'paused for approval',
  promoted: 'promoted',
  'rolled-back': 'rolled back',
  failed: 'failed',
};

export const DEFAULT_TEMPLATE = '{{service}} {{environment}} release {{release}} {{event}}: {{text}}';
export const DEFAULT_SLACK_TEMPLATE =
  '*{{service}}* `{{environment}}` release {{release}} *{{event}}*: {{text}}';

export function fieldsOf(n: ReleaseNotice): Record<Field, string> {
  return {
    service: n.service,
    environment: n.environment,
    release: String(n.release),
    event: HEADLINE[n.event],
    text: n.text,
    digest: n.digest,
    strategy: n.strategy,
    outcome: n.outcome ?? '',
  };
}

export function render(template: string, n: ReleaseNotice): string {
  const fields = fieldsOf(n) as Record<string, string>;
  return template.replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_m, name: string) => fields[name] ?? '');
}
