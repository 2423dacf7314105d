import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Dirent } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidKeyError, ObjectNotFoundError, ObjectStoreError, StoreUnavailableError } from './errors.js';
import { validateKey, validatePrefix } from './keys.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** Errors that go away by themselves (or once an operator frees space): the caller may retry. */
const TRANSIENT_FS_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ETIMEDOUT']);

const errnoCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Objects as files under a root directory, one file per key. A put is atomic
 * and durable: the bytes go to a temporary file in the destination directory,
 * which is fsynced, renamed over the key, and the directory fsynced, so a
 * reader (or a crash) sees the old object or the new one, never a part.
 * Temporary names contain '~', which keys cannot, so listing never shows them;
 * a crash mid-put can leave one behind (invisible, safe to delete).
 */
export class DiskObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  describe(): string {
    return `disk:${this.root}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    const tmp = tempName(path);
    try {
      await this.makeDurableDir(dir);
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      await fsyncDir(dir);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw this.mapError(err, key, 'put');
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      throw this.mapError(err, key, 'get');
    }
  }

  /** Copies (reflinks where the filesystem can) to a temporary name beside `path`, then renames: readers of `path` never see a partial file. Not fsynced: the destination is a cache. */
  async getToFile(key: string, path: string): Promise<number> {
    const src = this.pathOf(key);
    const tmp = tempName(path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await copyFile(src, tmp, fsConstants.COPYFILE_FICLONE);
      const { size } = await stat(tmp);
      await rename(tmp, path);
      return size;
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw this.mapError(err, key, 'getToFile');
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return false;
      throw this.mapError(err, key, 'exists');
    }
  }

  /** Deleting a missing key is not an error (as on S3). Empty directories stay: removing them would race with a concurrent put into them. */
  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errnoCode(err) ?? '')) return;
      throw this.mapError(err, key, 'delete');
    }
  }

  /** Keys in lexicographic order, as AWS S3 lists them: siblings sort by the text they add to a key ('a-b' < 'a/' < 'a0'). */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const cut = prefix.lastIndexOf('/');
    const baseKey = cut < 0 ? '' : prefix.slice(0, cut);
    const partial = prefix.slice(cut + 1);
    yield* this.walk(baseKey, partial);
  }

  async health(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, fsConstants.R_OK | fsConstants.W_OK);
    } catch (err) {
      throw new StoreUnavailableError(`object store ${this.describe()} is not usable: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {}

  private async *walk(dirKey: string, namePrefix: string): AsyncGenerator<ObjectInfo> {
    const dir = dirKey === '' ? this.root : join(this.root, dirKey);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return;
      throw this.mapError(err, dirKey, 'list');
    }
    const visible = entries
      .filter((e) => e.name.startsWith(namePrefix) && !e.name.includes('~') && (e.isFile() || e.isDirectory()))
      .map((e) => ({ e, sortKey: e.isDirectory() ? e.name + '/' : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { e } of visible) {
      const key = dirKey === '' ? e.name : `${dirKey}/${e.name}`;
      if (e.isDirectory()) {
        yield* this.walk(key, '');
        continue;
      }
      const size = await stat(join(dir, e.name)).then((s) => s.size, () => undefined);
      if (size !== undefined) yield { key, size }; // undefined: deleted since readdir
    }
  }

  private pathOf(key: string): string {
    return join(this.root, validateKey(key));
  }

  /** mkdir -p, then fsync the parent of every directory it created so the new entries survive a crash. */
  private async makeDurableDir(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true });
    if (first === undefined) return;
    for (let d = dir; ; d = dirname(d)) {
      await fsyncDir(dirname(d));
      if (d === first) break;
    }
  }

  private mapError(err: unknown, key: string, op: string): Error {
    if (err instanceof ObjectStoreError) return err;
    const code = errnoCode(err);
    const missing = code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
    if (missing && op !== 'put') return new ObjectNotFoundError(key, this.describe(), { cause: err });
    if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
      return new InvalidKeyError(key, `on a disk store a key cannot be both an object and a prefix of other keys (${op}: ${code})`);
    }
    const message = `object store ${this.describe()}: ${op} '${key}' failed: ${(err as Error).message}`;
    if (code && TRANSIENT_FS_CODES.has(code)) return new StoreUnavailableError(message, { cause: err });
    return new ObjectStoreError('FAILED', message, { cause: err });
  }
}

function tempName(path: string): string {
  return join(dirname(path), `${basename(path)}~${process.pid}-${randomBytes(6).toString('hex')}`);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
