import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';

/** s3rver's fixed account: it rejects requests signed with any other key. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3rverHandle {
  endpoint: string;
  port: number;
  bucket: string;
  /** s3rver's own storage directory (removed by stop()). */
  dataDir: string;
  credentials: typeof S3RVER_CREDENTIALS;
  /** AWS_* variables for a child process (e.g. a `sirius serve` under test) that should use this server. */
  env: Record<string, string>;
  /** The Config fields that point Sirius at this server, objects under `prefix`. */
  config(prefix?: string): Pick<Config, 'objectStore' | 's3Endpoint' | 's3ForcePathStyle' | 's3Region'>;
  stderr(): string;
  stop(): Promise<void>;
}

export interface S3rverStartOptions {
  bucket?: string;
  /**
   * s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20's
   * OpenSSL 3 only offers through the legacy provider: without it the second
   * page of any listing fails. On by default; off only to demonstrate that.
   */
  legacyOpenssl?: boolean;
}

const S3RVER_BIN = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');

/** A real s3rver process on 127.0.0.1 (port chosen by the OS), with one empty bucket. */
export async function startS3rver(options: S3rverStartOptions = {}): Promise<S3rverHandle> {
  const bucket = options.bucket ?? 'sirius-test';
  const dataDir = mkdtempSync(join(tmpdir(), 'sirius-s3rver-'));
  const nodeFlags = options.legacyOpenssl === false ? [] : ['--openssl-legacy-provider'];
  const args = [...nodeFlags, S3RVER_BIN, '-d', dataDir, '-a', '127.0.0.1', '-p', '0', '--silent', '--no-vhost-buckets', '--configure-bucket', bucket];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await waitForPort(child, () => out, (s) => (out += s), () => err);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    bucket,
    dataDir,
    credentials: S3RVER_CREDENTIALS,
    env: { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' },
    config: (prefix = '') => ({
      objectStore: `s3://${bucket}/${prefix}`,
      s3Endpoint: endpoint,
      s3ForcePathStyle: true,
      s3Region: 'us-east-1',
    }),
    stderr: () => err,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, out: () => string, append: (s: string) => void, err: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s3rver did not start within 20 s: ${out()} ${err()}`));
    }, 20_000);
    child.stdout!.on('data', (b: Buffer) => {
      append(b.toString());
      const m = /S3rver listening on [^:]+:(\d+)/.exec(out());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code ?? signal}) before listening: ${out()} ${err()}`));
    });
  });
}
