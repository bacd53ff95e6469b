/**
 * Damaged bytes are never thrown away: before a repair removes them from a state file they are
 * appended to a `.corrupt` sidecar beside it (`ledger.production.jsonl.corrupt`), one JSON line per
 * piece with where it came from, why it was removed, its text and its exact bytes (base64).
 */
import { open } from 'node:fs/promises';
import { syncHandle } from './fsync.ts';

export interface QuarantinedPiece {
  /** 1-based line in the original file (absent for a whole file). */
  line?: number;
  problem: string;
  bytes: Buffer;
}

export function sidecarOf(file: string): string {
  return `${file}.corrupt`;
}

export async function quarantine(file: string, pieces: QuarantinedPiece[], at: number): Promise<string> {
  const sidecar = sidecarOf(file);
  const text = pieces
    .map((p) =>
      JSON.stringify({
        quarantinedAt: new Date(at).toISOString(),
        from: file,
        ...(p.line === undefined ? {} : { line: p.line }),
        problem: p.problem,
        text: p.bytes.toString('utf8'),
        base64: p.bytes.toString('base64'),
      }),
    )
    .join('\n');
  const fh = await open(sidecar, 'a', 0o600);
  try {
    await fh.write(`${text}\n`);
    await syncHandle(fh);
  } finally {
    await fh.close();
  }
  return sidecar;
}
