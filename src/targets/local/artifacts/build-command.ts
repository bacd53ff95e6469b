/**
 * What of `artifact.local.build` runs in the staging copy. Slipway installs the artifact's
 * production dependencies itself (dependencies.ts), so an install inside the build is redundant —
 * and harmful: the staging copy sees the checkout's `node_modules` through a link, and an install
 * there would rewrite the user's packages. Configs written by earlier `slipway init` versions
 * start with one (`npm ci --omit=dev … && npm run build`); those steps are dropped, with a note.
 */

/** `npm ci`, `npm install`, `npm prune`, `pnpm install`, `yarn`, `yarn install`, `yarn workspaces focus`. */
const INSTALL =
  /^(?:[A-Z_]+=\S*\s+)*(?:npm\s+(?:ci|i|install|prune)\b|pnpm\s+(?:i|install|prune)\b|yarn(?:\s+install)?(?:\s+--?[\w-]+(?:=\S+)?)*$|yarn\s+workspaces\s+focus\b|corepack\s+enable\b)/;

export interface BuildPlan {
  /** The command left to run, or undefined when nothing is left. */
  command?: string;
  /** The steps dropped because they install dependencies. */
  dropped: string[];
}

/** Splits on `&&` only: a `;` or `||` chain has another meaning and is kept as written. */
export function planBuild(command: string | undefined): BuildPlan {
  if (!command?.trim()) return { dropped: [] };
  if (/;|\|\|/.test(command)) return { command, dropped: [] };
  const steps = command.split('&&').map((s) => s.trim());
  const dropped = steps.filter((s) => INSTALL.test(s));
  const kept = steps.filter((s) => !INSTALL.test(s));
  return { ...(kept.length > 0 ? { command: kept.join(' && ') } : {}), dropped };
}
