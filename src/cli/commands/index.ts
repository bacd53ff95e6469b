import type { Command } from 'commander';
import type { Done } from '../exit.ts';
import * as abort from './abort.ts';
import * as config from './config.ts';
import * as dashboard from './dashboard.ts';
import * as demo from './demo.ts';
import * as deploy from './deploy.ts';
import * as history from './history.ts';
import * as init from './init.ts';
import * as local from './local.ts';
import * as logs from './logs.ts';
import * as pause from './pause.ts';
import * as pin from './pin.ts';
import * as plan from './plan.ts';
import * as promote from './promote.ts';
import * as render from './render.ts';
import * as resume from './resume.ts';
import * as rollback from './rollback.ts';
import * as secrets from './secrets.ts';
import * as status from './status.ts';
import * as validate from './validate.ts';
import * as wait from './wait.ts';
import * as why from './why.ts';

/**
 * Every command registers itself here: one import and one call per command file, so that
 * commands can be added without touching main.ts. A command whose exit code depends on what
 * happened takes `done` and calls it (see cli/exit.ts); the others exit 0 or throw.
 */
export function registerCommands(program: Command, done: Done): void {
  validate.register(program);
  config.register(program);
  render.register(program);
  init.register(program);
  deploy.register(program, done);
  promote.register(program, done);
  abort.register(program, done);
  pause.register(program, done);
  resume.register(program, done);
  rollback.register(program, done);
  status.register(program);
  history.register(program);
  logs.register(program);
  pin.register(program);
  demo.register(program, done);
  local.register(program, done);
  plan.register(program);
  secrets.register(program);
  dashboard.register(program);
  why.register(program);
  wait.register(program, done);
  void program;
}
