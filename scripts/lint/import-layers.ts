/**
 * The layer order of `src/` (docs/architecture.md draws it). A top folder may import only folders
 * on a LOWER layer; folders on the same layer do not import each other. Lowest first:
 *
 *   core, package-manager                  import nothing (pure decisions; a project's installer)
 *   config, providers, init                read the core's types; no I/O loop
 *   engine                                 the only loop; drives a target through its port
 *   explain                                words a release's ledger and journal for people
 *   targets, notifications                 implement the engine's ports (processes, sockets, APIs)
 *   dashboard                              reads targets and the engine's journal
 *   demo                                   runs a release through the engine on the local target
 *   cli                                    parses flags, calls one engine function, renders
 *
 * A new top folder must be placed here, or the lint fails and says so.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core', 'package-manager'],
  ['config', 'providers', 'init'],
  ['engine'],
  ['explain'],
  ['targets', 'notifications'],
  ['dashboard'],
  ['demo'],
  ['cli'],
];

/**
 * Known violations still being removed, as `from -> to` (file paths under src/, either end of a
 * circle's edge). Issue 17 asks for this list to be EMPTY; every entry names what removes it.
 */
export const ALLOWED: readonly string[] = [
  // the demo drives the CLI's deploy; removed when it calls the engine's deploy (issue 17, item 2)
  'src/demo/run.ts -> src/cli/commands/deploy.ts',
  'src/demo/run.ts -> src/cli/context.ts',
  'src/demo/run.ts -> src/cli/progress/renderer.ts',
  'src/demo/summary.ts -> src/cli/progress/table.ts',
  // the daemon's process entry mounts the dashboard; removed when the entry moves above both
  'src/targets/local/daemon/main.ts -> src/dashboard/daemon-mount.ts',
];

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
