import type { IncomingMessage } from 'node:http';
import { IngestError } from './errors.js';

/** The media type without parameters, lowercased ('application/json; charset=utf-8' → 'application/json'). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0].trim().toLowerCase();
}

/** 415 unless the request says it carries `expected`. */
export function checkContentType(req: IncomingMessage, expected: string): void {
  const got = mediaType(req.headers['content-type']);
  if (got !== expected) {
    const what = got === '' ? 'no Content-Type' : `Content-Type '${got}'`;
    throw new IngestError(415, `${req.url} takes Content-Type ${expected}, got ${what}`);
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes: at once from
 * Content-Length, or as soon as a chunked body passes it (413). A declared
 * length is read into one preallocated buffer, so a block is copied once.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > limit) return Promise.reject(tooLarge(length, limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const whole = length !== undefined ? Buffer.allocUnsafe(length) : undefined;
    let received = 0;
    const onData = (chunk: Buffer): void => {
      if (received + chunk.length > limit) {
        req.off('data', onData);
        reject(tooLarge(received + chunk.length, limit, true));
        return;
      }
      if (whole) chunk.copy(whole, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    req.on('data', onData);
    req.once('end', () => resolve(whole ? whole.subarray(0, received) : Buffer.concat(chunks, received)));
    req.once('error', (err) => reject(new IngestError(400, `request body could not be read: ${err.message}`, { cause: err })));
  });
}

function tooLarge(size: number, limit: number, atLeast = false): IngestError {
  return new IngestError(413, `request body of ${atLeast ? 'more than ' : ''}${atLeast ? limit : size} bytes exceeds the ${limit}-byte limit (SIRIUS_MAX_BLOCK_BYTES)`);
}
