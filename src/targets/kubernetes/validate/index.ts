/**
 * Validate rendered objects: strict schema (unknown fields are errors) and the policy set, with the
 * waivers from `kubernetes.waivers`. Pure apart from reading the committed schema file once.
 */
import { didYouMean } from '../../../config/did-you-mean.ts';
import type { KubeObject } from '../objects.ts';
import { checkPolicies, type Finding, RULES } from './policies/index.ts';
import { formatSchemaError, type SchemaError, validateSchema } from './schema.ts';

export { type Finding, RULES, type Rule } from './policies/index.ts';
export { type SchemaError, validateSchema } from './schema.ts';

export interface Waiver {
  rule: string;
  reason: string;
}

/** Shortest reason accepted (the config schema asks the same). */
export const MIN_REASON = 10;

export interface ValidationReport {
  ok: boolean;
  schema: SchemaError[];
  /** Policy findings not covered by a waiver. */
  violations: Finding[];
  /** Findings a waiver covers, with its reason (reported, never silent). */
  waived: (Finding & { reason: string })[];
  /** Waivers that name no rule or give no reason. */
  waiverErrors: string[];
}

export function checkWaivers(waivers: readonly Waiver[]): string[] {
  const ids = RULES.map((r) => r.id);
  return waivers.flatMap((w, i) => {
    const where = `kubernetes.waivers[${i}]`;
    const errors: string[] = [];
    if (!ids.includes(w.rule)) {
      const guess = didYouMean(w.rule, ids);
      errors.push(
        `${where}.rule: "${w.rule}" is not a policy rule${guess ? ` (did you mean ${guess}?)` : ''}; rules: ${ids.join(', ')}`,
      );
    }
    if (typeof w.reason !== 'string' || w.reason.trim().length < MIN_REASON) {
      errors.push(
        `${where}.reason: a waiver needs a reason of at least ${MIN_REASON} characters saying why the rule does not apply`,
      );
    }
    return errors;
  });
}

export function validateObjects(
  objects: readonly KubeObject[],
  waivers: readonly Waiver[] = [],
): ValidationReport {
  const waiverErrors = checkWaivers(waivers);
  const reasons = new Map(waivers.map((w) => [w.rule, w.reason]));
  const findings = checkPolicies(objects);
  const schema = validateSchema(objects);
  const violations = findings.filter((f) => !reasons.has(f.rule));
  const waived = findings
    .filter((f) => reasons.has(f.rule))
    .map((f) => ({ ...f, reason: reasons.get(f.rule) ?? '' }));
  return {
    ok: schema.length === 0 && violations.length === 0 && waiverErrors.length === 0,
    schema,
    violations,
    waived,
    waiverErrors,
  };
}

export function formatFinding(f: Finding): string {
  return `${f.object}: ${f.path}: ${f.message} [${f.rule}]`;
}

/** Human report: every problem on its own line, grouped; waived findings listed with their reason. */
export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    if (items.length > 0) lines.push(`${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  section('invalid waivers', report.waiverErrors);
  section('schema errors (Kubernetes 1.36 OpenAPI, strict)', report.schema.map(formatSchemaError));
  section('policy violations', report.violations.map(formatFinding));
  section(
    'waived',
    report.waived.map((w) => `${formatFinding(w)} — waived: ${w.reason}`),
  );
  return lines.join('\n');
}
