/**
 * Entry of a log pump: `node log-pump.ts`, one per instance whose environment holds secrets
 * (spawn.ts `spawnApp` starts it). The app's stdout is this process's stdin and its stderr is fd 3;
 * both pass through a `Redactor` into fd 1, the instance's log file opened for appending. It is a
 * process of its own so that the pipes live between the app and the pump only: the spawner (the
 * keeper, whose apps outlive a `kill -9` of it) can die without the app's next write failing with
 * EPIPE and its lines being lost. It ends when both streams end — when the app and whatever it
 * forked have closed them (exited) — after the last bytes are written.
 *
 * The secrets come in an environment variable (`LOG_PUMP_SECRETS_VAR`, JSON name → value), not on
 * the command line, which any local user can read in /proc/<pid>/cmdline; /proc/<pid>/environ is
 * readable only by the owner, who can read the app's own environment holding the same values. A
 * variable is set atomically with the exec, where a pipe written after the spawn could be left
 * unwritten by a spawner killed in between.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { knownSecrets, LOG_PUMP_SECRETS_VAR, Redactor } from './redact.ts';

const log = (msg: string): void => {
  try {
    writeSync(1, `[slipway] log pump: ${msg}\n`);
  } catch {
    // nowhere left to say it
  }
};

/** Each chunk straight to the log file: nothing waits in this process's memory. */
const logFile = (): Writable =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        writeSync(1, chunk);
      } catch {
        // A full disk loses log lines, never the app: keep reading so that its writes never block.
      }
      done();
    },
  });

function secretValues(raw: string | undefined): Record<string, string> | undefined {
  try {
    const v: unknown = JSON.parse(raw ?? '');
    if (v && typeof v === 'object' && Object.values(v).every((s) => typeof s === 'string')) {
      return v as Record<string, string>;
    }
  } catch {
    // reported below
  }
  return undefined;
}

// It ends by EOF only: a signal to the spawner's process group (Ctrl-C on a keeper in a terminal, a
// hang-up) must not cut the app's log while the app lives; the app's own exit ends the pump.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

const values = secretValues(process.env[LOG_PUMP_SECRETS_VAR]);
delete process.env[LOG_PUMP_SECRETS_VAR];
const outputs = [process.stdin, new Socket({ fd: 3, readable: true, writable: false })];
if (!values) {
  // Fail closed: output that cannot be redacted never reaches the log. Drained, so the app runs on.
  log(`${LOG_PUMP_SECRETS_VAR} is not a JSON object of strings; the app's output is dropped`);
  for (const out of outputs) out.resume();
} else {
  const secrets = knownSecrets(values);
  await Promise.all(
    outputs.map((out) =>
      pipeline(out, new Redactor(secrets), logFile()).catch((err: Error) => log(err.message)),
    ),
  );
}
