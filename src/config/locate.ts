/**
 * Maps config paths back to the YAML source (and source offsets back to paths), using the
 * ranges the `yaml` package keeps on every node.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './problems.ts';

export interface Position {
  line: number;
  column: number;
}

/**
 * Position of `path` in the document: the value's node, or the key when `atKey`; when the path
 * does not exist (a missing key), the nearest ancestor that does.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
  atKey = false,
): Position | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0];
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      offset =
        (last && atKey ? keyNode?.range?.[0] : (valueNode?.range?.[0] ?? keyNode?.range?.[0])) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** The path of the innermost node whose source range contains `offset` (for parser errors). */
export function pathAtOffset(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && contains(p.key, offset, p.value));
      if (!pair) return path;
      const key = keyOf(pair.key);
      if (key === undefined) return path;
      path.push(key);
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item, offset));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

function contains(start: unknown, offset: number, end: unknown = start): boolean {
  const from = (start as Node | null)?.range?.[0];
  const to = ((end as Node | null)?.range ?? (start as Node | null)?.range)?.[2];
  return from !== undefined && to !== undefined && from <= offset && offset < to;
}
