/**
 * Reading a hard-coded port out of an instance's log. An app that ignores $PORT and listens on a
 * fixed one runs once, and every further instance dies with EADDRINUSE on that port; Node prints the
 * error line above a stack trace, so the last log lines alone never show it. This finds the line
 * and says what it means.
 */

/** `listen EADDRINUSE: address already in use :::3000` (Node), `... 0.0.0.0:3000`, `port: 3000`. */
const IN_USE = /EADDRINUSE\b.*?(?:(?:\[[0-9a-f:]*\]|[\w.:-]*):(\d{1,5}))\s*$/;
const PORT_FIELD = /^\s*port:\s*(\d{1,5}),?\s*$/;

/**
 * The explanation for an instance whose log (the lines of this run) shows EADDRINUSE, or
 * undefined. `given` is the port Slipway passed in `portEnv`.
 */
export function addressInUseHint(lines: string[], portEnv: string, given: number): string | undefined {
  const at = lines.findIndex((l) => l.includes('EADDRINUSE'));
  if (at === -1) return undefined;
  const line = lines[at]!.trim();
  const port = Number(IN_USE.exec(line)?.[1] ?? lines.map((l) => PORT_FIELD.exec(l)?.[1]).find(Boolean));
  if (!port) return `the port it listened on was in use: ${line}`;
  if (port === given) {
    return `port ${port} (given in ${portEnv}) was taken by another process before the app bound it: ${line}`;
  }
  return `${ignoresPort(portEnv, [port], given)}; ${line}`;
}

/** What an app that listens on `listened` instead of the port it was given is told, with the fix. */
export function ignoresPort(portEnv: string, listened: number[], given: number): string {
  const first = listened[0];
  return `the app ignores ${portEnv} (it listened on ${listened.join(', ')}, it was given ${portEnv}=${given}): listen on process.env.${portEnv}, e.g. app.listen(Number(process.env.${portEnv} ?? ${first}))`;
}

/** The lines after the last `[slipway] ... starting` marker: what this run of the instance wrote. */
export function linesOfThisRun(lines: string[]): string[] {
  const start = lines.findLastIndex((l) => l.startsWith('[slipway]') && l.includes(' starting '));
  return lines.slice(start + 1);
}
