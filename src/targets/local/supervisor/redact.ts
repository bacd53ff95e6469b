/**
 * Secret values never reach a stored or shown log line: an instance whose environment holds
 * secrets writes its output through a `Redactor`, which replaces each known value with
 * `[redacted:NAME]` before the bytes reach the log file — so the tail quoted in a release's reason
 * (ledger, `--json`, history, notifications) and `slipway logs` cannot show one either.
 *
 * Values shorter than `MIN_REDACTED_LENGTH` characters are not redacted: replacing every `1` or
 * `ab` would mangle every line and still tell a reader the value; the daemon warns (daemon.log).
 *
 * Work is on latin1 strings (one char per byte), so the output is the app's bytes exactly, and a
 * value split across two writes (or a multi-byte character split across chunks) is still found:
 * a chunk's tail that could begin a value is held until the next chunk or the end of the stream.
 */
import { Transform, type TransformCallback } from 'node:stream';

export const MIN_REDACTED_LENGTH = 4;

/** Where the log pump (log-pump.ts) finds the values to redact: JSON, name → value. */
export const LOG_PUMP_SECRETS_VAR = 'SLIPWAY_LOG_PUMP_SECRETS';

export interface KnownSecret {
  name: string;
  /** The value as latin1 of its UTF-8 bytes, to match the raw output bytes. */
  bytes: string;
  marker: string;
}

/** The secrets worth redacting, longest first (a value containing another is replaced whole). */
export function knownSecrets(values: Record<string, string>): KnownSecret[] {
  return Object.entries(values)
    .filter(([, v]) => v.length >= MIN_REDACTED_LENGTH)
    .map(([name, v]) => ({
      name,
      bytes: Buffer.from(v, 'utf8').toString('latin1'),
      marker: `[redacted:${name}]`,
    }))
    .sort((a, b) => b.bytes.length - a.bytes.length);
}

/** Names of secrets too short to redact, for a warning that says which and why. */
export function tooShortToRedact(values: Record<string, string>): string[] {
  return Object.entries(values)
    .filter(([, v]) => v.length > 0 && v.length < MIN_REDACTED_LENGTH)
    .map(([name]) => name);
}

/**
 * Leftmost-longest replacement over latin1 text. Unless `final`, it stops at the first position
 * where a value could still begin (the text ends inside a possible match, or a longer value could
 * still match where a shorter one does) and returns the rest as `held`, for the next chunk.
 */
function scan(text: string, secrets: KnownSecret[], final: boolean): { out: string; held: string } {
  const firsts = new Set(secrets.map((s) => s.bytes.charCodeAt(0)));
  const longest = secrets[0]?.bytes.length ?? 0;
  let out = '';
  let from = 0; // start of the text not yet copied to out
  for (let i = 0; i < text.length; i++) {
    if (!firsts.has(text.charCodeAt(i))) continue;
    const rest = text.length - i;
    if (
      !final &&
      rest < longest &&
      secrets.some((s) => s.bytes.length > rest && s.bytes.startsWith(text.slice(i)))
    ) {
      return { out: out + text.slice(from, i), held: text.slice(i) };
    }
    const hit = secrets.find((s) => text.startsWith(s.bytes, i)); // longest first
    if (!hit) continue;
    out += text.slice(from, i) + hit.marker;
    i += hit.bytes.length - 1;
    from = i + 1;
  }
  return { out: out + text.slice(from), held: '' };
}

/** Redacts a whole text (a log tail already read, a daemon log line). */
export function redactText(text: string, secrets: KnownSecret[]): string {
  if (secrets.length === 0) return text;
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  return Buffer.from(scan(latin1, secrets, true).out, 'latin1').toString('utf8');
}

/** A byte stream with every known secret value replaced; see the file comment. */
export class Redactor extends Transform {
  readonly #secrets: KnownSecret[];
  #held = '';

  constructor(secrets: KnownSecret[]) {
    super();
    this.#secrets = secrets;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const { out, held } = scan(this.#held + chunk.toString('latin1'), this.#secrets, false);
    this.#held = held;
    done(null, out.length ? Buffer.from(out, 'latin1') : undefined);
  }

  override _flush(done: TransformCallback): void {
    const { out } = scan(this.#held, this.#secrets, true);
    this.#held = '';
    done(null, out.length ? Buffer.from(out, 'latin1') : undefined);
  }
}
