import { request } from 'node:http';
import type { ProbeSettings } from '../runtime.ts';

export interface ProbeResult {
  ok: boolean;
  /** What happened, for messages: "503", "timeout after 1000 ms", "ECONNREFUSED". */
  detail: string;
}

/**
 * One HTTP probe on a fresh connection (no keep-alive, so a probe never holds a socket to a dead
 * instance). 2xx and 3xx pass.
 */
export function probe(
  port: number,
  settings: Pick<ProbeSettings, 'path' | 'timeoutMs'>,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: settings.path,
        method: 'GET',
        agent: false,
        timeout: settings.timeoutMs,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, detail: String(code) });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, detail: `timeout after ${settings.timeoutMs} ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, detail: err.code ?? err.message }));
    req.end();
  });
}
