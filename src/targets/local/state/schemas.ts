/**
 * What the daemon's files hold, as zod schemas: every file of the state folder is parsed on read,
 * so garbage is a problem naming the file, the field and the fix instead of `Unexpected token` or a
 * value of the wrong shape travelling on. Stored records are read loosely (a newer slipway may have
 * added a field); the control API's strict schemas still guard what gets written.
 */
import { z } from 'zod';
import {
  ledgerEvent,
  operatorCommand,
  phase,
  proxySettings,
  releaseNumber,
  releaseRecord,
  revisionRuntime,
} from '../daemon/protocol/values.ts';
import { NotARegularFileError, readStateFile } from './read-file.ts';

const storedRecord = z.looseObject({
  ...releaseRecord.shape,
  config: z.unknown(),
  spec: z.unknown().optional(),
});
const storedEvent = z.looseObject(ledgerEvent.shape);

export const ledgerLine = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('begin'), record: storedRecord }),
  z.looseObject({ type: z.literal('event'), event: storedEvent }),
  z.looseObject({
    type: z.literal('finish'),
    release: releaseNumber,
    outcome: phase,
    reasons: z.array(z.string()),
    at: z.number(),
  }),
]);

export const commandLine = z.looseObject({ release: releaseNumber, command: operatorCommand });

export const progressFile = z.looseObject({ release: releaseNumber, progress: z.unknown() });

export const leaseFile = z.looseObject({
  id: z.string().min(1),
  holder: z.string(),
  expiresAt: z.number(),
});

export const runtimeFile = z.looseObject({ runtime: revisionRuntime, proxy: proxySettings });

/** The first problems of a failed parse, as `field: message` (fields dotted, as in the file). */
export function describeZodError(err: z.ZodError): string {
  const parts = err.issues.slice(0, 3).map((i) => {
    const field = i.path.map(String).join('.') || '(the whole value)';
    return `${field}: ${i.message}`;
  });
  const more = err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : '';
  return `not the expected shape: ${parts.join('; ')}${more}`;
}

export type JsonRead<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  | { kind: 'damaged'; problem: string };

/** Reads and parses one JSON file of the state folder; never throws for content, only for I/O. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<JsonRead<T>> {
  let text: string;
  try {
    text = (await readStateFile(path)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    if (err instanceof NotARegularFileError) return { kind: 'damaged', problem: err.problem };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'damaged', problem: `not valid JSON (${(err as Error).message})` };
  }
  const result = schema.safeParse(json);
  return result.success
    ? { kind: 'ok', value: result.data }
    : { kind: 'damaged', problem: describeZodError(result.error) };
}
