/** Load tools and their output: wrk for maximum throughput, vegeta for latency at a fixed rate. */
import { run } from './processes.ts';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus non-2xx/3xx answers. */
  errors: number;
  requests: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`cannot read wrk duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Parses `wrk --latency` output. */
export function parseWrk(output: string): LoadResult {
  const find = (re: RegExp) => re.exec(output)?.[1];
  const rps = Number(find(/Requests\/sec:\s+([\d.]+)/));
  const p50 = find(/^\s+50%\s+(\S+)/m);
  const p99 = find(/^\s+99%\s+(\S+)/m);
  if (!Number.isFinite(rps) || p50 === undefined || p99 === undefined) {
    throw new Error(`cannot read wrk output:\n${output}`);
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(find(/Non-2xx or 3xx responses: (\d+)/) ?? 0);
  return {
    rps,
    p50Ms: durationMs(p50),
    p99Ms: durationMs(p99),
    errors: socketErrors + non2xx,
    requests: Number(find(/(\d+) requests in/) ?? 0),
  };
}

export interface WrkSettings {
  threads: number;
  connections: number;
  seconds: number;
}

export async function wrk(url: string, s: WrkSettings): Promise<LoadResult> {
  const args = [`-t${s.threads}`, `-c${s.connections}`, `-d${s.seconds}s`, '--latency', url];
  return parseWrk(await run('wrk', args, (s.seconds + 30) * 1000));
}

/** Open-loop load at a fixed rate (no coordinated omission), for latency at a given fraction of the maximum. */
export async function vegeta(bin: string, url: string, rate: number, seconds: number): Promise<LoadResult> {
  const script = `echo "GET ${url}" | ${bin} attack -rate=${Math.round(rate)}/s -duration=${seconds}s -timeout=10s | ${bin} report -type=json`;
  // On a saturated machine the attack overruns its duration (10 s request timeout, slow scheduling).
  const report = JSON.parse(await run('sh', ['-c', script], (seconds * 2 + 60) * 1000)) as {
    latencies: { '50th': number; '99th': number };
    requests: number;
    throughput: number;
    success: number;
  };
  return {
    rps: report.throughput,
    p50Ms: report.latencies['50th'] / 1e6,
    p99Ms: report.latencies['99th'] / 1e6,
    errors: Math.round(report.requests * (1 - report.success)),
    requests: report.requests,
  };
}
