import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, ObjectStoreError, StoreUnavailableError } from './errors.js';
import { validateKey, validatePrefix } from './keys.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket, without a trailing '/'; '' for the bucket root. */
  prefix: string;
}

export interface S3StoreOptions {
  region: string;
  /** Empty for AWS itself; http://host:port for an S3-compatible server. */
  endpoint: string;
  forcePathStyle: boolean;
  /** Omitted: the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/some/prefix` → { bucket, prefix: 'some/prefix' }; anything else is an Error with the reason. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`expected s3://bucket/prefix, got '${url}'`);
  const [, bucket, rawPrefix] = m;
  if (!BUCKET.test(bucket)) throw new Error(`'${bucket}' is not a valid S3 bucket name (3-63 of a-z 0-9 . -)`);
  const prefix = rawPrefix.replace(/\/+$/, '');
  if (prefix !== '') validateKey(prefix);
  return { bucket, prefix };
}

/** Network-level failures: the request never got an answer. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const THROTTLING = new Set(['SlowDown', 'ThrottlingException', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'InternalError', 'TimeoutError']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * Objects in one bucket under one prefix. S3 PUT is atomic and durable once
 * acknowledged, which is the contract; the SDK retries transient failures
 * (3 attempts with backoff) before an error reaches us.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(
    readonly location: S3Location,
    private readonly options: S3StoreOptions,
  ) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint || undefined,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Since January 2025 the SDK adds CRC checksum headers to every PUT; several S3-compatible
      // servers (MinIO, R2, B2, …) reject them, so with a custom endpoint only required checksums are sent.
      requestChecksumCalculation: options.endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      responseChecksumValidation: options.endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  describe(): string {
    const where = this.options.endpoint ? ` at ${this.options.endpoint}` : '';
    return `s3://${this.location.bucket}/${this.location.prefix}${where}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const Key = this.fullKey(key);
    await this.call('put', key, () => this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key, Body: body, ContentLength: body.byteLength })));
  }

  async get(key: string): Promise<Buffer> {
    const Key = this.fullKey(key);
    return this.call('get', key, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key }));
      const bytes = await out.Body!.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  /** Streams the object to a temporary name beside `path`, then renames: readers of `path` never see a partial file. Not fsynced: the destination is a cache. */
  async getToFile(key: string, path: string): Promise<number> {
    const Key = this.fullKey(key);
    const tmp = join(dirname(path), `${basename(path)}~${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      return await this.call('getToFile', key, async () => {
        await mkdir(dirname(path), { recursive: true });
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key }));
        await pipeline(out.Body as Readable, createWriteStream(tmp, { flags: 'wx' }));
        const { size } = await stat(tmp);
        await rename(tmp, path);
        return size;
      });
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async exists(key: string): Promise<boolean> {
    const Key = this.fullKey(key);
    try {
      await this.call('exists', key, () => this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key })));
      return true;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    await this.call('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key })));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const root = this.location.prefix === '' ? '' : this.location.prefix + '/';
    let token: string | undefined;
    do {
      const page = await this.call('list', prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: root + prefix, ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined || !item.Key.startsWith(root)) continue;
        yield { key: item.Key.slice(root.length), size: item.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !token) throw new ObjectStoreError('FAILED', `${this.describe()}: truncated listing without a continuation token`);
    } while (token);
  }

  async health(): Promise<void> {
    await this.call('health', '', () => this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket })));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private fullKey(key: string): string {
    validateKey(key);
    return this.location.prefix === '' ? key : `${this.location.prefix}/${key}`;
  }

  private async call<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.mapError(err, op, key);
    }
  }

  private mapError(err: unknown, op: string, key: string): Error {
    if (err instanceof ObjectStoreError) return err;
    const e = (err ?? {}) as SdkError;
    const status = e.$metadata?.httpStatusCode;
    const name = e.name ?? '';
    const what = `${this.describe()}: ${op}${key ? ` '${key}'` : ''} failed: ${name ? name + ': ' : ''}${e.message ?? String(err)}`;
    if (name === 'NoSuchBucket') return new ObjectStoreError('FAILED', what, { cause: err });
    if (op !== 'health' && (name === 'NoSuchKey' || name === 'NotFound' || status === 404)) {
      return new ObjectNotFoundError(key, this.describe(), { cause: err });
    }
    const transient =
      (status !== undefined && (status >= 500 || status === 429)) ||
      THROTTLING.has(name) ||
      NETWORK_CODES.has(e.code ?? '') ||
      NETWORK_CODES.has(name) ||
      (status === undefined && e.$retryable !== undefined);
    if (transient) return new StoreUnavailableError(what, { cause: err });
    return new ObjectStoreError('FAILED', what, { cause: err });
  }
}
