/**
 * The bytes of `slipway.yaml` before YAML sees them: a size limit (a real config is a few KB;
 * the limit keeps validation time and memory bounded whatever a file holds), strict UTF-8 (a bad
 * byte is refused with its line and column instead of becoming U+FFFD in a value passed to the
 * app), and a linear duplicate-key check (the `yaml` package's own check compares every key with
 * every earlier key of its mapping, which made a 2 MB file take 17 s).
 */
import { type Document, isMap, isScalar, type Node, visit } from 'yaml';

/** Largest config accepted (docs/config.md, "Limits"). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface SourceProblem {
  message: string;
  hint: string;
  line?: number;
  column?: number;
}

/** The byte offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte → length and the allowed range of the second byte (no overlongs, no surrogates, ≤ U+10FFFF).
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + len > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/** The problem with a config of `size` bytes, if it is too large to validate. */
export function sizeProblem(size: number): SourceProblem | undefined {
  if (size <= MAX_CONFIG_BYTES) return undefined;
  return {
    message: `is ${size} bytes, more than the ${MAX_CONFIG_BYTES} bytes (1 MiB) a config may hold`,
    hint: 'a config is normally a few kilobytes: move data out of it (large values belong in a file the app reads)',
    line: 1,
    column: 1,
  };
}

/** Decodes the file's bytes, or says why they are not a config Slipway reads. */
export function decodeConfig(bytes: Uint8Array): { text: string } | { problem: SourceProblem } {
  const tooLarge = sizeProblem(bytes.length);
  if (tooLarge) return { problem: tooLarge };
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const before = Buffer.from(bytes.buffer, bytes.byteOffset, bad).toString('utf8');
    const lineStart = before.lastIndexOf('\n') + 1;
    const hex = Buffer.from(bytes.subarray(bad, bad + 4))
      .toString('hex')
      .replace(/(..)/g, '$1 ')
      .trim();
    return {
      problem: {
        message: `is not valid UTF-8: byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte offset ${bad} (bytes ${hex})`,
        hint: 'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8); Slipway does not guess encodings, because a replaced character would reach the app',
        line: before.split('\n').length,
        column: before.length - lineStart + 1,
      },
    };
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') };
}

export interface DuplicateKey {
  /** Source offset of the repeated key. */
  offset: number;
}

/** Every key that repeats an earlier key of the same mapping, found with one set per mapping. */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        // Scalars compare by value (as the yaml package does); other keys by their source text.
        const id = isScalar(key) ? `s:${typeof key.value}:${String(key.value)}` : `n:${String(key)}`;
        if (seen.has(id)) found.push({ offset: key?.range?.[0] ?? 0 });
        else seen.add(id);
      }
    },
  });
  return found;
}
