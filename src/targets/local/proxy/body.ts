/** The body of a request that may be retried: buffered so it can be sent twice, within a bound. */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Reads a request body into memory so it can be sent twice, up to `limit` bytes. A larger body is handed
 * back as a stream (what was read, then the rest) and that request is not retried.
 */
export function bufferBody(req: IncomingMessage, limit: number): Promise<Buffer | Readable> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      req.pause();
      req.off('data', onData).off('end', onEnd).off('error', reject);
      resolve(
        Readable.from(
          (async function* () {
            yield* chunks;
            for await (const chunk of req) yield chunk as Buffer;
          })(),
          { objectMode: false },
        ),
      );
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
