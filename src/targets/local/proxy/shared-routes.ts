/**
 * The route table in shared memory, so that a swap is visible to every proxy thread the moment
 * `setRoutes` returns (a message to a worker would arrive "soon", and a request could slip in between).
 * One writer (the owner), many readers, a seqlock over two halves: readers check one integer per request
 * and re-read the table only when its version moved.
 */
import { type CompiledTable, compileTable, type RouteTable } from './routing.ts';

/** Bytes per half; a table of a few revisions with a few instances each is well under 1 KiB. */
const HALF_BYTES = 256 * 1024;
const HEADER_INTS = 4; // [version, length of half 0, length of half 1, swrr cursor]
const CURSOR = 3;

export interface PublishedTable {
  table: RouteTable;
  slots: Record<string, number>;
  draining: string[];
}

export function createRoutesBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_INTS * 4 + 2 * HALF_BYTES);
}

export class RoutesWriter {
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.#header = new Int32Array(buffer, 0, HEADER_INTS);
    this.#bytes = new Uint8Array(buffer, HEADER_INTS * 4);
  }

  publish(published: PublishedTable): number {
    const encoded = this.#encoder.encode(JSON.stringify(published));
    if (encoded.length > HALF_BYTES) {
      throw new Error(`route table is ${encoded.length} bytes; the proxy accepts at most ${HALF_BYTES}`);
    }
    const version = Atomics.load(this.#header, 0) + 1;
    const half = version & 1;
    this.#bytes.set(encoded, half * HALF_BYTES);
    Atomics.store(this.#header, 1 + half, encoded.length);
    Atomics.store(this.#header, 0, version);
    return version;
  }
}

export class RoutesReader {
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #decoder = new TextDecoder();
  #current: CompiledTable;

  constructor(buffer: SharedArrayBuffer) {
    this.#header = new Int32Array(buffer, 0, HEADER_INTS);
    this.#bytes = new Uint8Array(buffer, HEADER_INTS * 4);
    this.#current = compileTable({ revisions: [], weights: {} }, 0, new Map());
    this.current();
  }

  /** The newest table; costs one atomic load unless it changed. */
  current(): CompiledTable {
    let version = Atomics.load(this.#header, 0);
    while (version !== this.#current.version) {
      const half = version & 1;
      const length = Atomics.load(this.#header, 1 + half);
      const copy = this.#bytes.slice(half * HALF_BYTES, half * HALF_BYTES + length);
      const after = Atomics.load(this.#header, 0);
      if (after === version) {
        const published = JSON.parse(this.#decoder.decode(copy)) as PublishedTable;
        const slots = new Map(Object.entries(published.slots));
        this.#current = compileTable(published.table, version, slots, published.draining);
      }
      version = after;
    }
    return this.#current;
  }

  /** A process-wide position in the SWRR schedule, so that all threads together follow one schedule. */
  nextTick(): number {
    return Atomics.add(this.#header, CURSOR, 1) >>> 0;
  }
}
