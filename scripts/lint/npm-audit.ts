/**
 * Judges an `npm audit --json` report (auditReportVersion 2) against the project's threshold and
 * waivers: every advisory at or above `high` fails unless `security/waivers.yaml` waives its GHSA id.
 * Pure; the CLI (audit-gate.ts) reads the files and prints the result.
 */

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Advisory {
  /** GHSA id from the advisory URL, or npm's numeric source id when there is no GHSA URL. */
  id: string;
  severity: Severity;
  title: string;
  /** Vulnerable package (the advisory's `name`). */
  pkg: string;
  range: string;
  url: string;
}

export interface AuditVerdict {
  ok: boolean;
  /** At or above the threshold and not waived: each one fails the build. */
  failing: Advisory[];
  waived: Advisory[];
  /** Below the threshold: reported, not failing. */
  below: Advisory[];
  /** Waiver ids that matched nothing: candidates for removal. */
  unusedWaivers: string[];
}

export class AuditReportError extends Error {
  override name = 'AuditReportError';
}

interface ViaObject {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: string;
  range?: string;
}

/** Unique advisories of a report; throws when the report is an npm error or has no vulnerability map. */
export function advisories(report: unknown): Advisory[] {
  if (typeof report !== 'object' || report === null)
    throw new AuditReportError('npm audit output is not a JSON object');
  const r = report as { error?: { summary?: string; code?: string }; vulnerabilities?: unknown };
  if (r.error !== undefined) {
    throw new AuditReportError(`npm audit failed: ${r.error.code ?? ''} ${r.error.summary ?? ''}`.trim());
  }
  if (typeof r.vulnerabilities !== 'object' || r.vulnerabilities === null) {
    throw new AuditReportError(
      'npm audit output has no "vulnerabilities" map (expected auditReportVersion 2)',
    );
  }
  const found = new Map<string, Advisory>();
  for (const vuln of Object.values(r.vulnerabilities as Record<string, { via?: unknown[] }>)) {
    for (const via of vuln.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a package name: the advisory is listed under it
      const v = via as ViaObject;
      const url = v.url ?? '';
      const id = /GHSA-[\w-]+$/.exec(url)?.[0] ?? String(v.source ?? url);
      const severity = (SEVERITIES as readonly string[]).includes(v.severity ?? '')
        ? (v.severity as Severity)
        : 'critical';
      found.set(id, { id, severity, title: v.title ?? '', pkg: v.name ?? '', range: v.range ?? '', url });
    }
  }
  return [...found.values()].sort((a, b) => rank(b.severity) - rank(a.severity) || a.id.localeCompare(b.id));
}

export function judge(
  report: unknown,
  waiverIds: readonly string[],
  threshold: Severity = 'high',
): AuditVerdict {
  const all = advisories(report);
  const waivedIds = new Set(waiverIds);
  const failing: Advisory[] = [];
  const waived: Advisory[] = [];
  const below: Advisory[] = [];
  for (const advisory of all) {
    if (rank(advisory.severity) < rank(threshold)) below.push(advisory);
    else if (waivedIds.has(advisory.id)) waived.push(advisory);
    else failing.push(advisory);
  }
  const seen = new Set(all.map((a) => a.id));
  const unusedWaivers = waiverIds.filter((id) => !seen.has(id));
  return { ok: failing.length === 0, failing, waived, below, unusedWaivers };
}

function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
