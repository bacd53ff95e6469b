/**
 * The environment overlay merge. Rules, in order (docs/config.md repeats them for users):
 *
 * 1. A key absent from the overlay keeps the base value.
 * 2. `null` in the overlay removes the key (and everything under it) from the result.
 * 3. Two mappings merge key by key, recursively.
 * 4. Anything else (lists, scalars, or a mapping over a non-mapping) replaces the base value whole.
 *    Lists are never concatenated or merged by index: canary steps, queries and waivers are
 *    ordered, and an overlay that changes one of them restates the whole list.
 * 5. "One-of" mappings (`strategy`): when the overlay names a different kind than the base, the
 *    base's kind is dropped instead of merged, so `strategy: {blue-green: {}}` over a canary base
 *    means blue-green, not "two strategies".
 *
 * The merge is pure and deterministic: keys keep base order, then the overlay's new keys in its order.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface MergeOptions {
  /** Dotted paths of one-of mappings (rule 5). */
  exclusive?: readonly string[];
}

export const DEFAULT_EXCLUSIVE = ['strategy'] as const;

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeOverlay(
  base: unknown,
  overlay: unknown,
  options: MergeOptions = { exclusive: DEFAULT_EXCLUSIVE },
): unknown {
  return mergeAt(base, overlay, '', new Set(options.exclusive ?? []));
}

function mergeAt(base: unknown, overlay: unknown, path: string, exclusive: Set<string>): unknown {
  if (overlay === undefined) return clone(base);
  if (!isMapping(base) || !isMapping(overlay)) return stripNulls(overlay);
  const overlayKeys = Object.keys(overlay).filter((k) => overlay[k] !== undefined && overlay[k] !== null);
  const dropBase =
    exclusive.has(path) && overlayKeys.length > 0 && overlayKeys.some((k) => !Object.hasOwn(base, k));
  const out: Record<string, unknown> = {};
  if (!dropBase) {
    for (const [key, value] of Object.entries(base)) {
      if (overlay[key] === null) continue;
      setOwn(out, key, mergeAt(value, overlay[key], path === '' ? key : `${path}.${key}`, exclusive));
    }
  }
  for (const [key, value] of Object.entries(overlay)) {
    if (Object.hasOwn(out, key) || value === null || value === undefined) continue;
    if (!dropBase && Object.hasOwn(base, key)) continue;
    setOwn(out, key, stripNulls(value));
  }
  return out;
}

/** A `null` with nothing to remove means "absent" (rule 2 applied below a replaced value). */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    if (v !== null && v !== undefined) setOwn(out, key, stripNulls(v));
  return out;
}

/**
 * Assigns an own property even for keys like `__proto__`, which YAML allows and a plain
 * assignment would turn into a prototype change.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) setOwn(out, key, clone(v));
  return out;
}
