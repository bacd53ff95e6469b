/**
 * One record per line, framed with its checksum so a flipped byte, a half-written line or a line
 * glued onto a torn one is detected instead of parsed: `<crc32 as 8 hex digits> <json>\n`. CRC32
 * (`node:zlib`) is over the JSON text's UTF-8 bytes. Lines written before framing (plain `{…}` JSON)
 * still read: they carry no checksum, so only JSON and the schema can catch their damage.
 */
import { crc32 } from 'node:zlib';

const FRAMED = /^([0-9a-f]{8}) (.*)$/s;

/** The line (without its newline) for one JSON payload. */
export function frame(payload: string): string {
  return `${checksum(payload)} ${payload}`;
}

function checksum(payload: string): string {
  return crc32(payload).toString(16).padStart(8, '0');
}

export type Unframed = { ok: true; payload: string; framed: boolean } | { ok: false; problem: string };

/** The JSON payload of one line, or why the line is not an intact record. */
export function unframe(line: string): Unframed {
  if (line.startsWith('{')) return { ok: true, payload: line, framed: false };
  const m = FRAMED.exec(line);
  if (!m) return { ok: false, problem: 'not a slipway record (neither "<checksum> <json>" nor JSON)' };
  const [, stored, payload] = m as unknown as [string, string, string];
  const actual = checksum(payload);
  if (actual !== stored) {
    return {
      ok: false,
      problem: `checksum mismatch (line says ${stored}, its content gives ${actual}): the line was changed or only partly written`,
    };
  }
  return { ok: true, payload, framed: true };
}
