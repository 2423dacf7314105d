import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig } from '../../../src/config/config.js';
import {
  DiskObjectStore,
  InvalidKeyError,
  openObjectStore,
  S3ObjectStore,
  StoreUnavailableError,
} from '../../../src/datalake/objectstore/index.js';
import { bodyFor } from './fixtures/put-until-killed.js';
import { collect, objectStoreContract } from './object-store-contract.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sirius-disk-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file name under `root`, recursively. */
function allFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

objectStoreContract('disk', async () => new DiskObjectStore(tempDir()), { manyKeys: 1005, atomicOverwrite: true });

describe('DiskObjectStore', () => {
  it('leaves no temporary file behind, after successful and failed puts', async () => {
    const root = tempDir();
    const store = new DiskObjectStore(root);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(`t/${i % 5}`, Buffer.alloc(10_000, i))));
    await store.put('conflict/file', Buffer.from('x'));
    await expect(store.put('conflict/file/child', Buffer.from('y'))).rejects.toBeInstanceOf(InvalidKeyError);
    expect(allFiles(root).filter((f) => f.includes('~'))).toEqual([]);
    expect(allFiles(root).length).toBe(6);
  });

  it('keeps every acknowledged put whole across SIGKILL, and lists no partial object', async () => {
    const root = tempDir();
    for (let round = 0; round < 3; round++) {
      const fixture = join(import.meta.dirname, 'fixtures', 'put-until-killed.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, root], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (out.split('\n').length > 20 + round * 7) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const acknowledged = out.split('\n').filter((l) => l.startsWith('kill/'));
      const store = new DiskObjectStore(root);
      for (const key of acknowledged) expect((await store.get(key)).equals(bodyFor(key))).toBe(true);
      for (const { key } of await collect(store.list('kill/'))) expect((await store.get(key)).equals(bodyFor(key))).toBe(true);
    }
  });

  it('is unhealthy when its root cannot be a directory', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const err = await new DiskObjectStore(file).health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).retryable).toBe(true);
    expect((err as Error).message).toContain(file);
  });

  it('writes objects as plain files under the root, readable by other tools', async () => {
    const root = tempDir();
    await new DiskObjectStore(root).put('blobs/p/s/b', Buffer.from('payload'));
    expect(statSync(join(root, 'blobs', 'p', 's', 'b')).size).toBe(7);
  });
});

describe('openObjectStore', () => {
  it("puts objects under dataDir/objects when SIRIUS_OBJECT_STORE is ''", () => {
    const dataDir = tempDir();
    const store = openObjectStore(defaultConfig({ dataDir, objectStore: '' }));
    expect(store).toBeInstanceOf(DiskObjectStore);
    expect(store.describe()).toBe(`disk:${join(dataDir, 'objects')}`);
  });

  it('accepts file:///dir and s3://bucket/prefix', () => {
    const dir = tempDir();
    expect(openObjectStore(defaultConfig({ objectStore: `file://${dir}` })).describe()).toBe(`disk:${dir}`);
    const s3 = openObjectStore(defaultConfig({ objectStore: 's3://my-bucket/a/b/', s3Endpoint: 'http://127.0.0.1:1' }));
    expect(s3).toBeInstanceOf(S3ObjectStore);
    expect((s3 as S3ObjectStore).location).toEqual({ bucket: 'my-bucket', prefix: 'a/b' });
  });

  it.each([
    ['gs://bucket/x', /expected '' \(local disk\), file:\/\/\/dir or s3:\/\/bucket\/prefix/],
    ['s3://Bad_Bucket/x', /not a valid S3 bucket name/],
    ['s3://bucket/../x', /invalid object key/],
  ])('rejects %s with a ConfigError', (objectStore, message) => {
    expect(() => openObjectStore(defaultConfig({ objectStore }))).toThrow(ConfigError);
    expect(() => openObjectStore(defaultConfig({ objectStore }))).toThrow(message);
  });
});
