/**
 * The layer order of `src/` (docs/architecture.md draws it). A top folder may import only folders
 * on a LOWER layer; folders on the same layer do not import each other. Lowest first:
 *
 *   core, package-manager                  import nothing (pure decisions; a project's installer)
 *   config, providers, init                read the core's types; no I/O loop
 *   engine                                 the only loop; drives a target through its port
 *   explain                                words a release's ledger and journal for people
 *   targets, notifications                 implement the engine's ports (processes, sockets, APIs)
 *   dashboard, app                         reads targets and the engine's journal; opens an environment
 *                                          from slipway.yaml, runs a release, renders its progress
 *   demo                                   runs releases through app/ (the engine) on the local target
 *   cli, entries                           parses flags, calls one engine function, renders; process
 *                                          entries that compose lower layers (the daemon + dashboard)
 *
 * A new top folder must be placed here, or the lint fails and says so.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core', 'package-manager'],
  ['config', 'providers', 'init'],
  ['engine'],
  ['explain'],
  ['targets', 'notifications'],
  ['dashboard', 'app'],
  ['demo'],
  ['cli', 'entries'],
];

/** An import the rules forbid, kept on purpose: `from -> to` (file paths under src/) and why. */
export interface AllowedEdge {
  edge: string;
  /** Why this import stays (what it would cost to remove). Empty or "todo" fails the lint. */
  reason: string;
}

/**
 * Known violations, each with its reason. Empty since issue 17 (the demo runs releases through
 * app/, the daemon's entry moved to entries/); the lint rejects an entry without a real reason.
 */
export const ALLOWED: readonly AllowedEdge[] = [];

/** The layer index of a top folder, or undefined for a folder that is not placed. */
export function layerOf(folder: string): number | undefined {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  return index < 0 ? undefined : index;
}

/** The folders a file in `folder` must not import: its own layer's peers and every layer above. */
export function forbiddenFor(folder: string): string[] {
  const own = layerOf(folder);
  if (own === undefined) return [];
  return LAYERS.slice(own).flatMap((layer) => layer.filter((f) => f !== folder));
}
