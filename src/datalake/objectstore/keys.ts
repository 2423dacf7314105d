import { InvalidKeyError } from './errors.js';

/**
 * Object keys are '/'-separated segments of [A-Za-z0-9._=-]: they map 1:1 onto
 * file paths on disk and onto S3 keys without escaping, and can never climb out
 * of the store root. '~' is reserved: the disk store names its temporary files
 * with it, so a temporary file can never be mistaken for an object.
 */
const SEGMENT = /^[A-Za-z0-9._=-]+$/;
export const MAX_KEY_LENGTH = 1024;

function checkSegment(key: string, segment: string): void {
  if (segment === '') throw new InvalidKeyError(key, 'empty path segment (leading, trailing or double "/")');
  if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `'${segment}' segments are not allowed`);
  if (!SEGMENT.test(segment)) throw new InvalidKeyError(key, 'allowed characters are A-Z a-z 0-9 . _ = - and "/" between segments');
}

export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty key');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidKeyError(key.slice(0, 64) + '…', `longer than ${MAX_KEY_LENGTH} characters`);
  for (const segment of key.split('/')) checkSegment(key, segment);
  return key;
}

/**
 * A listing prefix is matched as a string (S3 semantics: 'blobs/p1' also
 * matches 'blobs/p10/…'). Complete segments follow the key rules; the last,
 * partial one may be empty (a prefix ending in '/').
 */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  if (prefix.length > MAX_KEY_LENGTH) throw new InvalidKeyError(prefix.slice(0, 64) + '…', `prefix longer than ${MAX_KEY_LENGTH} characters`);
  const segments = prefix.split('/');
  const partial = segments.pop() as string;
  for (const segment of segments) checkSegment(prefix, segment);
  if (partial !== '' && !SEGMENT.test(partial)) {
    throw new InvalidKeyError(prefix, 'allowed characters are A-Z a-z 0-9 . _ = - and "/" between segments');
  }
  return prefix;
}

/** Where the ingestion service stores a block's bytes, untouched. */
export function blobKey(processId: string, streamId: string, blockId: string): string {
  return validateKey(`blobs/${processId}/${streamId}/${blockId}`);
}
