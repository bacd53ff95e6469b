/**
 * Structural rules for the service Dockerfiles, beyond hadolint's: multi-stage, base images pinned
 * by digest with their tag, a numeric non-root USER in the final stage, exec-form CMD/ENTRYPOINT
 * and HEALTHCHECK, no ARG/ENV that looks like it carries a secret (build args and ENV end up in the
 * image history), no .env file copied in.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY… */
  keyword: string;
  args: string;
  line: number;
}

export interface DockerViolation {
  line: number;
  rule: 'multi-stage' | 'pinned-base' | 'user' | 'exec-form' | 'healthcheck' | 'secret-arg' | 'copy-env';
  message: string;
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (buffer !== '' && trimmed.startsWith('#')) return; // comment lines inside a continuation
    if (buffer === '') start = index + 1;
    const continued = trimmed.endsWith('\\');
    buffer += `${continued ? trimmed.slice(0, -1).trimEnd() : trimmed} `;
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(buffer.trim());
    if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start });
    buffer = '';
  });
  return out;
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;
const PINNED_IMAGE = /^[a-z0-9][\w./-]*:[\w.-]+@sha256:[0-9a-f]{64}$/;

function isExecForm(args: string): boolean {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === 'string');
  } catch {
    return false;
  }
}

export function checkDockerfile(text: string): DockerViolation[] {
  const instructions = parseDockerfile(text);
  const out: DockerViolation[] = [];
  const stages: string[] = [];
  const froms = instructions.filter((i) => i.keyword === 'FROM');
  if (froms.length < 2) {
    out.push({
      line: froms[0]?.line ?? 1,
      rule: 'multi-stage',
      message: 'use a build stage and a runtime stage (multi-stage build)',
    });
  }
  let finalStage: Instruction[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = parts[0] ?? '';
      if (!stages.includes(image) && image !== 'scratch' && !PINNED_IMAGE.test(image)) {
        out.push({
          line: ins.line,
          rule: 'pinned-base',
          message: `FROM ${image} is not pinned as name:tag@sha256:<digest>`,
        });
      }
      const alias = parts[1]?.toUpperCase() === 'AS' ? parts[2] : undefined;
      if (alias) stages.push(alias);
      finalStage = [];
    }
    finalStage.push(ins);
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      for (const name of variableNames(ins)) {
        if (SECRET_NAME.test(name)) {
          out.push({
            line: ins.line,
            rule: 'secret-arg',
            message: `${ins.keyword} ${name} looks like a secret; use RUN --mount=type=secret or runtime configuration`,
          });
        }
      }
    }
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && /(^|\s|\/)\.env(\.|\s|$)/.test(ins.args)) {
      out.push({
        line: ins.line,
        rule: 'copy-env',
        message: `${ins.keyword} copies a .env file into the image`,
      });
    }
    if ((ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') && !isExecForm(ins.args)) {
      out.push({
        line: ins.line,
        rule: 'exec-form',
        message: `${ins.keyword} must use the exec form ["bin", "arg"] so signals reach the process`,
      });
    }
    if (ins.keyword === 'HEALTHCHECK' && ins.args !== 'NONE') {
      const cmd = /\bCMD\s+(.*)$/.exec(ins.args)?.[1] ?? '';
      if (!isExecForm(cmd))
        out.push({ line: ins.line, rule: 'exec-form', message: 'HEALTHCHECK CMD must use the exec form' });
    }
  }
  const users = finalStage.filter((i) => i.keyword === 'USER');
  const user = users.at(-1);
  const uid = user ? /^(\d+)(:(\d+))?$/.exec(user.args) : null;
  if (!user) {
    out.push({
      line: finalStage[0]?.line ?? 1,
      rule: 'user',
      message: 'the final stage has no USER: the service would run as root',
    });
  } else if (!uid) {
    out.push({
      line: user.line,
      rule: 'user',
      message: `USER ${user.args} must be numeric (uid:gid) so Kubernetes can verify runAsNonRoot`,
    });
  } else if (uid[1] === '0') {
    out.push({ line: user.line, rule: 'user', message: 'USER 0 is root' });
  }
  if (!finalStage.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) {
    out.push({
      line: finalStage[0]?.line ?? 1,
      rule: 'exec-form',
      message: 'the final stage has no CMD or ENTRYPOINT',
    });
  }
  if (!finalStage.some((i) => i.keyword === 'HEALTHCHECK')) {
    out.push({
      line: finalStage[0]?.line ?? 1,
      rule: 'healthcheck',
      message: 'the final stage has no HEALTHCHECK',
    });
  }
  return out;
}

/** Variable names declared by an ARG or ENV instruction (`ENV A=1 B=2`, `ENV A 1`, `ARG A`). */
function variableNames(ins: Instruction): string[] {
  const assigned = [...ins.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!);
  return assigned.length > 0 ? assigned : [ins.args.split(/\s+/)[0] ?? ''];
}
