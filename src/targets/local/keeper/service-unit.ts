/**
 * A service definition that runs the keeper of one state folder under the machine's init system, so
 * that it comes back after it dies itself or the machine reboots — the one failure the keeper cannot
 * cover. Linux: a systemd user unit; macOS: a launchd agent. Pure: rendering only, the command
 * (`slipway local install`) writes the file and says what to run.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export type InitSystem = 'systemd' | 'launchd';

export interface ServiceUnitInput {
  stateDir: string;
  /** The Node binary and the keeper entry it runs. */
  node: string;
  keeperMain: string;
  /** PATH for the keeper (apps find `node` and their tools there). */
  path: string;
}

export interface ServiceUnit {
  system: InitSystem;
  /** e.g. `slipway-hello-1a2b3c4d.service` or `dev.slipway.hello-1a2b3c4d.plist`. */
  fileName: string;
  text: string;
  /** Commands that load and start it, in order. */
  enable: string[];
}

/** A name unique to the state folder and readable: the service folder's name and a path hash. */
export function serviceName(stateDir: string): string {
  const base = basename(dirname(stateDir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 8);
  return `${base || 'service'}-${hash}`;
}

export function defaultInitSystem(platform: NodeJS.Platform = process.platform): InitSystem {
  return platform === 'darwin' ? 'launchd' : 'systemd';
}

/** Where the file goes for the current user (`~/.config/systemd/user`, `~/Library/LaunchAgents`). */
export function unitFolder(system: InitSystem, home: string): string {
  return system === 'systemd'
    ? join(home, '.config', 'systemd', 'user')
    : join(home, 'Library', 'LaunchAgents');
}

export function renderServiceUnit(system: InitSystem, input: ServiceUnitInput): ServiceUnit {
  return system === 'systemd' ? systemdUnit(input) : launchdPlist(input);
}

/** systemd quotes arguments with double quotes; `%` must be doubled (specifier syntax). */
function systemdArg(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

function systemdUnit(input: ServiceUnitInput): ServiceUnit {
  const name = `slipway-${serviceName(input.stateDir)}.service`;
  const log = join(input.stateDir, 'daemon.log');
  const text = `# Written by \`slipway local install\`: the Slipway keeper of ${input.stateDir}.
# It holds the proxies and app processes and restarts the daemon; systemd restarts the keeper.
[Unit]
Description=Slipway keeper for ${input.stateDir}
After=network.target

[Service]
Type=simple
ExecStart=${[input.node, input.keeperMain, '--state-dir', input.stateDir].map(systemdArg).join(' ')}
Environment=${systemdArg(`PATH=${input.path}`)}
# SIGTERM to the keeper alone: it stops the daemon, which drains and stops every instance.
KillMode=mixed
TimeoutStopSec=75
Restart=always
RestartSec=1
StandardOutput=append:${log}
StandardError=append:${log}

[Install]
WantedBy=default.target
`;
  return {
    system: 'systemd',
    fileName: name,
    text,
    enable: [
      'systemctl --user daemon-reload',
      `systemctl --user enable --now ${name}`,
      // Without lingering, user services stop when the user's last session ends.
      'loginctl enable-linger "$USER"',
    ],
  };
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function launchdPlist(input: ServiceUnitInput): ServiceUnit {
  const label = `dev.slipway.${serviceName(input.stateDir)}`;
  const log = join(input.stateDir, 'daemon.log');
  const args = [input.node, input.keeperMain, '--state-dir', input.stateDir]
    .map((a) => `    <string>${xml(a)}</string>`)
    .join('\n');
  const text = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by slipway local install: the Slipway keeper of ${xml(input.stateDir)}. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${label}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>PATH</key>
    <string>${xml(input.path)}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ExitTimeOut</key>
  <integer>75</integer>
  <key>StandardOutPath</key>
  <string>${xml(log)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(log)}</string>
</dict>
</plist>
`;
  return {
    system: 'launchd',
    fileName: `${label}.plist`,
    text,
    enable: [`launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/${label}.plist`],
  };
}
