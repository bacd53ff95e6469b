import type { Command } from 'commander';

/**
 * Every command registers itself here: one import and one call per command file, so that
 * commands can be added without touching main.ts.
 */
export function registerCommands(program: Command): void {
  void program;
}
