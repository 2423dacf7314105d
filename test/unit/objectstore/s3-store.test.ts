import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/config.js';
import {
  ObjectStoreError,
  openObjectStore,
  parseS3Url,
  S3ObjectStore,
  StoreUnavailableError,
  type ObjectStore,
} from '../../../src/datalake/objectstore/index.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { collect, objectStoreContract } from './object-store-contract.js';

let server: S3rverHandle;
let prefixes = 0;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

/** Each store gets its own prefix in the shared bucket: an empty store without a new server. */
function openS3(prefix = `run${++prefixes}/objects`): ObjectStore {
  return openObjectStore(defaultConfig({ dataDir: '/nonexistent', ...server.config(prefix) }), { s3Credentials: server.credentials });
}

objectStoreContract('s3 (s3rver)', async () => openS3(), { manyKeys: 1005, atomicOverwrite: false });

describe('S3ObjectStore', () => {
  it('keeps objects under its prefix and shows keys without it', async () => {
    const inner = openS3('tenant/a');
    const sibling = openS3('tenant/ab');
    const root = openS3('');
    try {
      await inner.put('k', Buffer.from('inner'));
      await sibling.put('k', Buffer.from('sibling'));
      expect(await collect(inner.list(''))).toEqual([{ key: 'k', size: 5 }]);
      expect((await root.get('tenant/a/k')).toString()).toBe('inner');
      expect((await collect(root.list('tenant/'))).map((o) => o.key)).toEqual(['tenant/a/k', 'tenant/ab/k']);
    } finally {
      await Promise.all([inner.close(), sibling.close(), root.close()]);
    }
  });

  it('reports a bucket that does not exist as a permanent error, not as unavailable', async () => {
    const store = openObjectStore(defaultConfig({ ...server.config(), objectStore: 's3://no-such-bucket/x' }), { s3Credentials: server.credentials });
    try {
      const err = await store.health().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectStoreError);
      expect(err).not.toBeInstanceOf(StoreUnavailableError);
      expect((err as ObjectStoreError).code).toBe('FAILED');
      await expect(store.put('k', Buffer.from('x'))).rejects.toMatchObject({ code: 'FAILED', message: expect.stringContaining('NoSuchBucket') });
    } finally {
      await store.close();
    }
  });

  it('reports a stopped server as StoreUnavailableError (retryable) on every call', async () => {
    const own = await startS3rver();
    const store = openObjectStore(defaultConfig(own.config('p')), { s3Credentials: own.credentials });
    try {
      await store.put('k', Buffer.from('x'));
      await store.health();
      await own.stop();
      for (const call of [() => store.health(), () => store.put('k', Buffer.from('y')), () => store.get('k'), () => collect(store.list(''))]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreUnavailableError);
        expect((err as StoreUnavailableError).retryable).toBe(true);
        expect((err as Error).message).toContain('ECONNREFUSED');
      }
    } finally {
      await store.close();
      await own.stop();
    }
  });

  // Pins the reason test/helpers/s3rver.ts starts s3rver with --openssl-legacy-provider.
  it('s3rver without the legacy OpenSSL provider fails on the second listing page', async () => {
    const plain = await startS3rver({ legacyOpenssl: false });
    const store = openObjectStore(defaultConfig(plain.config('')), { s3Credentials: plain.credentials });
    try {
      const keys = Array.from({ length: 1001 }, (_, i) => `p/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => store.put(k, Buffer.from('x'))));
      await expect(collect(store.list('p/'))).rejects.toThrow(/InternalError/);
    } finally {
      await store.close();
      await plain.stop();
    }
  });
});

describe('parseS3Url', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://my.bucket-1/a/b/', { bucket: 'my.bucket-1', prefix: 'a/b' }],
  ])('%s', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it.each(['s3:/bucket', 'http://bucket/x', 's3://ab/x', 's3://UPPER/x', 's3://bucket/a//b'])('rejects %s', (url) => {
    expect(() => parseS3Url(url)).toThrow();
  });

  it('describes where the objects are', () => {
    const store = new S3ObjectStore({ bucket: 'b-1', prefix: 'x' }, { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
    expect(store.describe()).toBe('s3://b-1/x at http://127.0.0.1:9');
  });
});
