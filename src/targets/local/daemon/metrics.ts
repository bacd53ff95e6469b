/**
 * One Prometheus exposition for the whole daemon: each environment's proxy exposes its own
 * families (label `revision`); they are merged family by family with an `environment` label
 * added, so the control port's `/metrics` stays valid with several environments.
 */

interface Family {
  meta: string[];
  samples: string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?(\s.*)$/;

function withLabel(line: string, environment: string): string | undefined {
  const m = SAMPLE.exec(line);
  if (!m) return undefined;
  const label = `environment="${environment}"`;
  const labels = m[2] && m[2] !== '{}' ? `{${label},${m[2].slice(1)}` : `{${label}}`;
  return `${m[1]}${labels}${m[3]}`;
}

/** The family a sample belongs to: histogram and summary series carry a suffix. */
function familyOf(name: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix) && families.has(name.slice(0, -suffix.length)))
      return name.slice(0, -suffix.length);
  }
  return name;
}

export function mergeExpositions(byEnvironment: [environment: string, text: string][]): string {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    const f = families.get(name) ?? { meta: [], samples: [] };
    families.set(name, f);
    return f;
  };
  for (const [environment, text] of byEnvironment) {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        // The first environment's HELP/TYPE lines stand for all.
        const f = family(meta[2]!);
        if (!f.meta.some((l) => l.startsWith(`# ${meta[1]} `))) f.meta.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      const labelled = withLabel(line, environment);
      if (labelled) family(familyOf(SAMPLE.exec(line)![1]!, families)).samples.push(labelled);
    }
  }
  return (
    [...families.values()].map((f) => [...f.meta, ...f.samples].join('\n')).join('\n') +
    (families.size ? '\n' : '')
  );
}
