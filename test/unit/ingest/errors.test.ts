import { describe, expect, it } from 'vitest';
import { BlockFormatError } from '../../../src/datalake/block/index.js';
import { CatalogError, type CatalogErrorCode } from '../../../src/datalake/catalog/index.js';
import { InvalidKeyError, ObjectNotFoundError, ObjectStoreError, StoreUnavailableError } from '../../../src/datalake/objectstore/index.js';
import { IngestError, toIngestError } from '../../../src/ingest/index.js';

describe('toIngestError: the one place a failure becomes an HTTP status', () => {
  it.each<[CatalogErrorCode, number]>([
    ['INVALID_INPUT', 400],
    ['UNKNOWN_PROCESS', 422],
    ['UNKNOWN_STREAM', 422],
    ['CONFLICT', 409],
    ['UNAVAILABLE', 503],
    ['SCHEMA', 500],
    ['FAILED', 500],
  ])('catalog %s → %i', (code, status) => {
    const e = toIngestError(new CatalogError(code, 'what happened'));
    expect(e.status).toBe(status);
    expect(e.message).toBe('catalog: what happened');
    expect(e.retryable).toBe(status >= 500);
  });

  it('object store: unavailable → 503 (retried), anything else → 500', () => {
    expect(toIngestError(new StoreUnavailableError('disk full')).status).toBe(503);
    expect(toIngestError(new ObjectStoreError('FAILED', 'access denied')).status).toBe(500);
    expect(toIngestError(new ObjectNotFoundError('k', 'disk:/x')).status).toBe(500);
    expect(toIngestError(new InvalidKeyError('a//b', 'empty segment')).status).toBe(500);
    expect(toIngestError(new StoreUnavailableError('disk full')).message).toBe('object store: disk full');
  });

  it('a block format error → 400 with the reader\'s message and offset', () => {
    const e = toIngestError(new BlockFormatError('checksum mismatch', 96, 'block'));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^invalid block: checksum mismatch/);
    expect(e.retryable).toBe(false);
  });

  it('an IngestError passes through; anything else is a 500 that keeps its cause', () => {
    const own = new IngestError(413, 'too big');
    expect(toIngestError(own)).toBe(own);
    const bug = new TypeError('x is undefined');
    const e = toIngestError(bug);
    expect(e.status).toBe(500);
    expect(e.message).toBe('internal error: x is undefined');
    expect(e.cause).toBe(bug);
  });
});
