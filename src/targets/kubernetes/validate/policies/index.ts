/** The built-in policy set; `docs/kubernetes.md` lists the same rules. */
import type { KubeObject } from '../../objects.ts';
import { availabilityRules } from './availability.ts';
import { podSecurityRules } from './pod-security.ts';
import type { Finding, Rule } from './rule.ts';
import { workloadRules } from './workload.ts';

export type { Finding, Rule } from './rule.ts';

export const RULES: readonly Rule[] = [...podSecurityRules, ...workloadRules, ...availabilityRules];

export function checkPolicies(objects: readonly KubeObject[], rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(objects).map((f) => ({ rule: rule.id, ...f })));
}
