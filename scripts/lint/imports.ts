/**
 * Import lint: fails on any import circle inside `src/` and on any import that runs against the
 * layer order in ./import-layers.ts (a lower folder importing a higher one, or two peers importing
 * each other). Type-only imports count: a circle through types is still two files that cannot be
 * read, changed or moved apart. Files directly under `src/` (the package's face) may import any
 * layer; nothing inside `src/` may import them.
 *
 * dependency-cruiser resolves the imports (TypeScript-aware, `.ts` specifiers, `import type`);
 * this file only states the rules and words the findings.
 *
 *   node scripts/lint/imports.ts [root]     exit 0 clean, 1 on findings
 */
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { ALLOWED, type AllowedEdge, forbiddenFor, LAYERS, layerOf } from './import-layers.ts';

export interface ImportFinding {
  rule: 'circle' | 'layer' | 'unplaced-folder' | 'face' | 'allow-reason';
  from: string;
  to: string;
  message: string;
  /** For a circle: the files from `to` back round to `from`. */
  cycle?: string[];
}

const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One dependency-cruiser rule per placed folder, plus the circle rule and the face rule. */
export function rules(): IForbiddenRuleType[] {
  const layered = LAYERS.flat().flatMap((folder): IForbiddenRuleType[] => {
    const forbidden = forbiddenFor(folder);
    if (forbidden.length === 0) return [];
    return [
      {
        name: `layer:${folder}`,
        severity: 'error',
        from: { path: `^src/${literal(folder)}/` },
        to: { path: `^src/(${forbidden.map(literal).join('|')})/` },
      },
    ];
  });
  return [
    { name: 'circle', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    { name: 'face', severity: 'error', from: { path: '^src/[^/]+/' }, to: { path: '^src/[^/]+$' } },
    ...layered,
  ];
}

const topFolder = (file: string): string | undefined => file.match(/^src\/([^/]+)\//)?.[1];

function word(rule: string, from: string, to: string, cycle: string[]): ImportFinding {
  if (rule === 'circle') {
    return {
      rule: 'circle',
      from,
      to,
      cycle,
      message: `${from} imports ${to}, which leads back to it: ${[from, ...cycle].join(' -> ')}. Move what both need into a file that neither imports back (a types or errors file), or pass it in.`,
    };
  }
  if (rule === 'face') {
    return {
      rule: 'face',
      from,
      to,
      message: `${from} imports ${to}, the package's face; import the module that defines the name instead.`,
    };
  }
  const [a, b] = [topFolder(from) ?? '?', topFolder(to) ?? '?'];
  const [la, lb] = [layerOf(a), layerOf(b)];
  const how =
    la === lb
      ? `both are on layer ${la} and peers do not import each other`
      : `${a}/ is on layer ${la}, ${b}/ on layer ${lb} (higher)`;
  return {
    rule: 'layer',
    from,
    to,
    message: `${from} imports ${to}: ${how}. Invert it (the lower layer declares a port or takes a function; the higher one passes it in), or move the code (order: scripts/lint/import-layers.ts).`,
  };
}

/** Every finding for the tree under `root` (its `src/`), allow-listed ones left out. */
export async function checkImports(
  root: string,
  allowed: readonly AllowedEdge[] = ALLOWED,
): Promise<ImportFinding[]> {
  const unreasoned = allowed
    .filter((a) => a.reason.trim().length < 10 || /\btodo\b|\bfixme\b|\btbd\b/i.test(a.reason))
    .map((a): ImportFinding => {
      const [from = '', to = ''] = a.edge.split(' -> ');
      return {
        rule: 'allow-reason',
        from,
        to,
        message: `ALLOWED in scripts/lint/import-layers.ts keeps ${a.edge} with reason ${JSON.stringify(a.reason)}: say why the import must stay (what removing it would cost), or remove the import and the entry.`,
      };
    });
  const edges = allowed.map((a) => a.edge);
  const previous = process.cwd();
  process.chdir(root); // dependency-cruiser reports paths relative to the working folder
  try {
    const result = await cruise(['src'], {
      validate: true,
      ruleSet: { forbidden: rules() },
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: ['node_modules', '\\.css$'] },
    });
    const output = result.output as ICruiseResult;
    const findings: ImportFinding[] = [];
    for (const m of output.modules) {
      const folder = topFolder(m.source);
      if (folder && layerOf(folder) === undefined) {
        findings.push({
          rule: 'unplaced-folder',
          from: m.source,
          to: '',
          message: `src/${folder}/ is not placed in the layer order: add it to LAYERS in scripts/lint/import-layers.ts (and to docs/architecture.md).`,
        });
      }
    }
    for (const v of output.summary.violations) {
      const cycle = (v.cycle ?? []).map((c) => c.name);
      findings.push(word(v.rule.name.startsWith('layer:') ? 'layer' : v.rule.name, v.from, v.to, cycle));
    }
    const unique = new Map(findings.map((f) => [`${f.rule} ${f.from} -> ${f.to}`, f]));
    return [
      ...unreasoned,
      ...[...unique.values()].filter(
        (f) => f.rule === 'unplaced-folder' || !edges.includes(`${f.from} -> ${f.to}`),
      ),
    ];
  } finally {
    process.chdir(previous);
  }
}

/** Circle findings grouped into the sets of files that import each other (one line per set). */
export function circles(findings: readonly ImportFinding[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const ring = findings.filter((f) => f.rule === 'circle');
  for (const f of ring) for (const file of [f.to, ...(f.cycle ?? [])]) parent.set(find(file), find(f.from));
  const groups = new Map<string, Set<string>>();
  for (const f of ring) {
    for (const file of [f.from, f.to, ...(f.cycle ?? [])]) {
      const set = groups.get(find(file)) ?? new Set<string>();
      set.add(file);
      groups.set(find(file), set);
    }
  }
  return [...groups.values()].map((set) => [...set].sort());
}

if (import.meta.main) {
  const root = process.argv[2] ?? '.';
  const findings = await checkImports(root);
  for (const group of circles(findings)) {
    const edges = findings.filter((f) => f.rule === 'circle' && group.includes(f.from));
    process.stderr.write(
      `imports: circle of ${group.length} files (${group.join(', ')}); for example ${edges[0]?.message}\n`,
    );
  }
  const seen = new Set<string>();
  for (const f of findings.filter((f) => f.rule !== 'circle')) {
    if (seen.has(f.message)) continue;
    seen.add(f.message);
    process.stderr.write(`imports: ${f.message}\n`);
  }
  if (findings.length > 0) {
    process.stderr.write(
      `imports: ${findings.length} finding(s); the layer order and why: docs/architecture.md\n`,
    );
    process.exit(1);
  }
  process.stdout.write('imports: no circles inside src/, no import against the layer order\n');
}
