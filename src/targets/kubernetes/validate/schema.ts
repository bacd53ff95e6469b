/**
 * Strict structural validation of rendered objects against the committed OpenAPI extract
 * (`schemas/k8s-1.36.json`, made by `scripts/k8s/openapi/extract.ts`).
 *
 * A small walker rather than ajv: Kubernetes semantics need handling a JSON Schema validator does
 * not know (int-or-string, Quantity, `x-kubernetes-preserve-unknown-fields`, "an object with
 * properties rejects unknown fields" as the API server's strict field validation does), and errors
 * must read as kubectl paths (`spec.template.spec.containers[0].foo`), not JSON pointers. The walker
 * is ~100 lines with no runtime dependency; ajv stays a devDependency.
 */
import { readFileSync } from 'node:fs';
import { type KubeObject, objectRef } from '../objects.ts';

interface Node {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  required?: string[];
  enum?: unknown[];
  oneOf?: Node[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface SchemaFile {
  origin: Record<string, string>;
  kinds: Record<string, string>;
  d: Record<string, Node>;
}

export interface SchemaError {
  /** `Deployment/hello-r3` */
  object: string;
  /** `spec.template.spec.containers[0].foo` */
  path: string;
  message: string;
}

const SCHEMA_URL = new URL('./schemas/k8s-1.36.json', import.meta.url);
let loaded: SchemaFile | undefined;
/** Parsed once per process, on first use (64 KB). */
export function schemaFile(): SchemaFile {
  loaded ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as SchemaFile;
  return loaded;
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(
  file: SchemaFile,
  node: Node,
  value: unknown,
  path: string,
  out: (path: string, msg: string) => void,
): void {
  if (node.$ref) {
    const target = file.d[node.$ref.slice('#/d/'.length)];
    if (target) walk(file, target, value, path, out);
    return;
  }
  const actual = typeOf(value);
  if (node.format === 'int-or-string') {
    if (actual !== 'integer' && actual !== 'string')
      out(path, `must be an integer or a string, got ${actual}`);
    return;
  }
  if (node.oneOf) {
    if (!node.oneOf.some((alt) => alt.type === actual || (alt.type === 'number' && actual === 'integer'))) {
      out(path, `must be one of ${node.oneOf.map((a) => a.type).join(' or ')}, got ${actual}`);
    }
    return;
  }
  if (node.type) {
    const ok = node.type === actual || (node.type === 'number' && actual === 'integer');
    if (!ok) {
      out(path, `must be ${node.type}, got ${actual} (${JSON.stringify(value)})`);
      return;
    }
  }
  if (node.enum && !node.enum.includes(value)) {
    out(
      path,
      `must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  if (actual === 'integer' && node.format && INT_RANGE[node.format]) {
    const [lo, hi] = INT_RANGE[node.format]!;
    if ((value as number) < lo || (value as number) > hi) out(path, `is out of ${node.format} range`);
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum)
      out(path, `must be at least ${node.minimum}, got ${value}`);
    if (node.maximum !== undefined && value > node.maximum)
      out(path, `must be at most ${node.maximum}, got ${value}`);
  }
  if (typeof value === 'string') {
    if (node.minLength !== undefined && value.length < node.minLength)
      out(path, `must be at least ${node.minLength} characters`);
    if (node.maxLength !== undefined && value.length > node.maxLength)
      out(path, `must be at most ${node.maxLength} characters`);
    if (node.pattern && !safeRegExp(node.pattern)?.test(value))
      out(path, `does not match ${node.pattern}: ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems)
      out(path, `needs at least ${node.minItems} items`);
    if (node.maxItems !== undefined && value.length > node.maxItems)
      out(path, `allows at most ${node.maxItems} items`);
    if (node.items) {
      for (const [i, item] of value.entries()) walk(file, node.items, item, `${path}[${i}]`, out);
    }
    return;
  }
  if (actual !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const key of node.required ?? []) {
    if (obj[key] === undefined) out(join(path, key), 'is required');
  }
  if (node['x-kubernetes-preserve-unknown-fields']) return;
  const { properties, additionalProperties } = node;
  for (const [key, child] of Object.entries(obj)) {
    const sub =
      properties?.[key] ?? (typeof additionalProperties === 'object' ? additionalProperties : undefined);
    if (sub) walk(file, sub, child, join(path, key), out);
    else if (properties && additionalProperties !== true) out(join(path, key), 'unknown field');
  }
}

const regexps = new Map<string, RegExp | undefined>();
/** CRD patterns are Go RE2; the few JavaScript cannot compile are skipped rather than guessed. */
function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexps.has(pattern)) {
    try {
      regexps.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      regexps.set(pattern, undefined);
    }
  }
  return regexps.get(pattern);
}

/** Every schema error of every object; an unknown apiVersion/kind is an error too. */
export function validateSchema(objects: readonly KubeObject[]): SchemaError[] {
  const file = schemaFile();
  const errors: SchemaError[] = [];
  for (const object of objects) {
    const ref = objectRef(object);
    const kindKey = `${object.apiVersion}/${object.kind}`;
    const root = file.kinds[kindKey];
    if (!root) {
      errors.push({
        object: ref,
        path: 'apiVersion',
        message: `no schema for ${kindKey} (known: ${Object.keys(file.kinds).join(', ')})`,
      });
      continue;
    }
    walk(file, { $ref: `#/d/${root}` }, object, '', (path, message) =>
      errors.push({ object: ref, path, message }),
    );
  }
  return errors;
}

export function formatSchemaError(e: SchemaError): string {
  return `${e.object}: ${e.path || '(root)'}: ${e.message}`;
}
