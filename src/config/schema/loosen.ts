/**
 * Derives the "partial" views of the schema used at the top of the file and in environment
 * overlays: every object key becomes optional (recursively), defaults are dropped (the resolved
 * config applies them after the merge) and, for overlays, `null` is allowed to remove a key.
 *
 * Only objects and records are descended into: lists and scalars replace whole in the merge, so an
 * overlay must give them complete. Object-level rules (exactly one strategy, min <= max…) need the
 * whole object and are checked on the resolved config, so they are not carried over here.
 */
import { z } from 'zod';
import { advice } from './advice.ts';

interface LoosenOptions {
  nullable: boolean;
}

type Meta = Record<string, unknown>;

/** Strips optional/default/prefault/nullable wrappers, keeping their metadata. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; meta: Meta } {
  let meta: Meta = {};
  let current = schema;
  for (;;) {
    meta = { ...(z.globalRegistry.get(current) ?? {}), ...meta };
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      const value = current.def.defaultValue;
      // Documented in the JSON Schema so editors show it, though the merge applies it later.
      if (!('default' in meta) && value !== null && typeof value !== 'object')
        meta = { ...meta, default: value };
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.def.innerType as z.ZodType;
    } else {
      return { inner: current, meta };
    }
  }
}

/** The loose version of one node, without the outer `optional` (callers decide). */
function loosenNode(schema: z.ZodType, options: LoosenOptions): z.ZodType {
  const { inner, meta } = unwrap(schema);
  let result: z.ZodType = inner;
  if (inner instanceof z.ZodObject) {
    result = loosen(inner, options);
  } else if (inner instanceof z.ZodRecord) {
    const value = loosenNode(inner.def.valueType as z.ZodType, options);
    result = z.record(inner.def.keyType as z.ZodString, options.nullable ? value.nullable() : value);
  }
  if (Object.keys(meta).length > 0) {
    // A scalar keeps its identity (and its own metadata); the wrapper carries the collected metadata.
    result = result === inner ? inner.optional().meta(meta) : result.meta(meta);
  }
  const hints = advice.get(inner);
  if (result !== inner && hints) advice.add(result, hints);
  return result;
}

/** The partial view of a strict object: every key optional (and nullable for overlays). */
export function loosen<Shape extends z.ZodRawShape>(
  object: z.ZodObject<Shape>,
  options: LoosenOptions,
): z.ZodObject<Record<keyof Shape, z.ZodType>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(object.shape)) {
    const loose = loosenNode(value as z.ZodType, options).optional();
    shape[key] = options.nullable ? loose.nullable() : loose;
  }
  return z.strictObject(shape) as z.ZodObject<Record<keyof Shape, z.ZodType>>;
}
