import type { Command } from 'commander';
import * as config from './config.ts';
import * as local from './local.ts';
import * as validate from './validate.ts';

/**
 * Every command registers itself here: one import and one call per command file, so that
 * commands can be added without touching main.ts.
 */
export function registerCommands(program: Command): void {
  validate.register(program);
  config.register(program);
  local.register(program);
  void program;
}
