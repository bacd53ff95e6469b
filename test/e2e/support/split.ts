/** Watches an environment's traffic split through the daemon API, for timing when a candidate had traffic. */
import { DaemonClient } from '../../../src/targets/local/index.ts';

export interface TrafficWindow {
  /** ms (performance.now) when the candidate first had weight > 0, and when it was back to 0 after that. */
  on?: number;
  off?: number;
}

/** Polls every 25 ms until `stop` resolves; the window of the candidate's traffic. */
export async function watchCandidate(
  stateDir: string,
  env: string,
  candidate: number,
  stop: Promise<unknown>,
): Promise<TrafficWindow> {
  const window: TrafficWindow = {};
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  while (!done) {
    const client = await DaemonClient.read(stateDir);
    const status = client ? await client.call('status').catch(() => undefined) : undefined;
    const weight = status?.environments.find((e) => e.name === env)?.weights[String(candidate)] ?? 0;
    const now = performance.now();
    if (weight > 0 && window.on === undefined) window.on = now;
    if (weight === 0 && window.on !== undefined && window.off === undefined) window.off = now;
    await new Promise((r) => setTimeout(r, 25));
  }
  return window;
}
