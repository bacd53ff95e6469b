/**
 * The one list of accepted findings, `security/waivers.yaml`: every scanner's skips are derived
 * from it, so a finding can only be silenced in a reviewed file, with a reason (and, for
 * vulnerabilities, an expiry date that forces a second look).
 *
 * Shape:
 *   checkov:
 *     - id: CKV_DOCKER_2
 *       reason: why this is acceptable here (at least 15 characters)
 *       expires: 2027-03-01        # optional; an expired waiver is an error
 *       paths: [some/file.yml]     # only for tools that can skip per file (zizmor, secretlint)
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export const TOOLS = [
  'actionlint',
  'zizmor',
  'hadolint',
  'checkov',
  'secretlint',
  'npm-audit',
  'trivy',
] as const;
export type Tool = (typeof TOOLS)[number];

/** Tools whose skip mechanism can be limited to some files; the others skip a check everywhere. */
const PER_PATH: ReadonlySet<Tool> = new Set(['zizmor', 'secretlint']);

const waiverSchema = z.strictObject({
  id: z.string().trim().min(1, 'id is empty'),
  reason: z.string().trim().min(15, 'reason must say why the finding is acceptable (15+ characters)'),
  expires: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expires must be a date like 2027-03-01')
    .optional(),
  paths: z.array(z.string().min(1)).min(1).optional(),
});
export type Waiver = z.infer<typeof waiverSchema>;

const fileSchema = z.strictObject(
  Object.fromEntries(TOOLS.map((tool) => [tool, z.array(waiverSchema).nullish()])) as Record<
    Tool,
    z.ZodOptional<z.ZodNullable<z.ZodArray<typeof waiverSchema>>>
  >,
);
export type Waivers = Record<Tool, Waiver[]>;

export class WaiverError extends Error {
  override name = 'WaiverError';
}

/**
 * Parses and checks the waiver file's text. All problems are reported at once, each with its path
 * (`checkov[1].reason`). `today` is `YYYY-MM-DD`; a waiver whose `expires` is before it is an error.
 */
export function parseWaivers(text: string, source: string, today: string): Waivers {
  const doc: unknown = parse(text) ?? {};
  const result = fileSchema.safeParse(doc);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
    throw new WaiverError(`${source}: invalid waiver file\n${problems.join('\n')}`);
  }
  const waivers = Object.fromEntries(TOOLS.map((tool) => [tool, result.data[tool] ?? []])) as Waivers;
  const problems: string[] = [];
  for (const tool of TOOLS) {
    waivers[tool].forEach((waiver, index) => {
      const where = `${tool}[${index}] (${waiver.id})`;
      if (waiver.expires !== undefined && waiver.expires < today) {
        problems.push(
          `  ${where}: expired on ${waiver.expires}; fix the finding or renew the waiver with a reason`,
        );
      }
      if (waiver.paths !== undefined && !PER_PATH.has(tool)) {
        problems.push(`  ${where}: ${tool} cannot skip a check for some files only; remove paths`);
      }
    });
  }
  if (problems.length > 0) throw new WaiverError(`${source}: invalid waiver file\n${problems.join('\n')}`);
  return waivers;
}

export function loadWaivers(file: string, today: string = new Date().toISOString().slice(0, 10)): Waivers {
  return parseWaivers(readFileSync(file, 'utf8'), file, today);
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((part, i) =>
        typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
      )
      .join('') || '(root)'
  );
}
