import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Config } from '../../config/config.js';
import { DiskObjectStore } from './disk-store.js';
import { parseS3Url, S3ObjectStore, type S3StoreOptions } from './s3-store.js';

export interface ObjectInfo {
  key: string;
  size: number;
}

/**
 * Where block payloads (`blobs/{process_id}/{stream_id}/{block_id}`) and
 * Parquet partitions (`views/…`) live. Keys follow keys.ts (validated on every
 * call: a bad key is an InvalidKeyError, never a path outside the store).
 * Every failure is an ObjectStoreError (errors.ts); callers branch on its code.
 */
export interface ObjectStore {
  /** Durable once it resolves; atomic: readers see the previous object or this one, never a part. Overwrites. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** ObjectNotFoundError when missing. */
  get(key: string): Promise<Buffer>;
  /**
   * Copies the object to a local file (the lakehouse's partition cache) and
   * returns its size. The file appears atomically under `path` (temporary
   * name + rename in the same directory, which is created if needed) but is
   * not fsynced. ObjectNotFoundError when missing.
   */
  getToFile(key: string, path: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** Deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as on S3).
   * The order is unspecified: disk and AWS S3 yield lexicographic order, s3rver does not.
   */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Throws (StoreUnavailableError, or ObjectStoreError for a permanent problem) when the store cannot serve requests. */
  health(): Promise<void>;
  /** Where the objects are, for logs and errors. */
  describe(): string;
  /** Releases connections. */
  close(): Promise<void>;
}

export interface ObjectStoreOptions {
  /** Explicit S3 credentials; omitted, the AWS SDK reads its standard AWS_* variables and profiles. */
  s3Credentials?: S3StoreOptions['credentials'];
}

type StoreConfig = Pick<Config, 'objectStore' | 'dataDir' | 's3Endpoint' | 's3ForcePathStyle' | 's3Region'>;

/**
 * '' → local disk under `dataDir/objects`; `file:///abs/dir` → local disk there;
 * `s3://bucket/prefix` → S3 (or the S3-compatible server at cfg.s3Endpoint).
 */
export function openObjectStore(cfg: StoreConfig, options: ObjectStoreOptions = {}): ObjectStore {
  const url = cfg.objectStore;
  if (url === '') return new DiskObjectStore(join(cfg.dataDir, 'objects'));
  if (url.startsWith('file://')) return new DiskObjectStore(fileURLToPath(url));
  if (url.startsWith('s3://')) {
    let location;
    try {
      location = parseS3Url(url);
    } catch (err) {
      throw new ConfigError(`SIRIUS_OBJECT_STORE: ${(err as Error).message}`);
    }
    return new S3ObjectStore(location, {
      region: cfg.s3Region,
      endpoint: cfg.s3Endpoint,
      forcePathStyle: cfg.s3ForcePathStyle,
      credentials: options.s3Credentials,
    });
  }
  throw new ConfigError(`SIRIUS_OBJECT_STORE: expected '' (local disk), file:///dir or s3://bucket/prefix, got '${url}'`);
}
