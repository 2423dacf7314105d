import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';

/**
 * The local copies of partition files that DuckDB reads: one file per object
 * key under `dir` (same relative path), at most `maxBytes` in total. The least
 * recently used files go first, except those pinned by a lease (a query that
 * was handed their paths and may still be reading them); a file that is not
 * here is fetched again from the object store. Keys are unique per build, so a
 * cached file never goes stale.
 */
export interface CacheCounters {
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry {
  size: number;
  pins: number;
}

export class PartitionCache {
  /** Map order is the LRU order: the first entry was used least recently. */
  private readonly entries = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<number>>();
  private bytes = 0;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0 };

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly store: ObjectStore,
    private readonly log: Logger,
  ) {}

  /** Adopts the files a previous run left (temporary files are deleted). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await rm(this.tmpDir(), { recursive: true, force: true });
    for (const path of await listFiles(this.dir)) {
      const key = relative(this.dir, path).split(sep).join('/');
      const size = await stat(path).then((st) => st.size, () => undefined);
      if (size === undefined) continue; // deleted since the listing
      this.entries.set(key, { size, pins: 0 });
      this.bytes += size;
    }
    await this.evict();
  }

  /** Where a key's file is (whether or not it is present). */
  pathOf(key: string): string {
    return join(this.dir, ...key.split('/'));
  }

  /** A fresh path for a file being written, to be adopted once complete. */
  tmpPath(name: string): string {
    return join(this.tmpDir(), name);
  }

  get totalBytes(): number {
    return this.bytes;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Moves a complete file into the cache under `key`, pinned by `lease`. */
  async adopt(key: string, file: string, size: number, lease: Lease): Promise<string> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await rename(file, path);
    lease.pin(this.insert(key, size));
    await this.evict();
    return path;
  }

  /** The local path of `key`, fetched from the object store on a miss; pinned by `lease`. */
  async get(key: string, lease: Lease): Promise<string> {
    const path = this.pathOf(key);
    const entry = this.entries.get(key);
    // The file can vanish behind our back (an operator, another process on the same directory).
    // a local stat costs microseconds; an async one a trip through the thread pool on every warm query
    if (entry && existsSync(path)) {
      this.counters.hits++;
      this.touch(key, entry);
      lease.pin(entry);
      return path;
    }
    if (entry) this.forgetEntry(key, entry);
    let fetch = this.fetching.get(key);
    if (!fetch) {
      this.counters.misses++;
      fetch = this.store.getToFile(key, path).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetch);
    }
    const size = await fetch;
    // Synchronous from here to the pin, so no eviction can come between the download and the pin.
    lease.pin(this.entries.get(key) ?? this.insert(key, size));
    await this.evict();
    return path;
  }

  /** Forgets a key (its partition was retired): the file goes once no lease holds it. */
  async drop(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry && entry.pins === 0) await this.remove(key, entry);
  }

  private insert(key: string, size: number): Entry {
    const old = this.entries.get(key);
    if (old) this.bytes -= old.size;
    const entry: Entry = { size, pins: old?.pins ?? 0 };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += size;
    return entry;
  }

  private forgetEntry(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Removes least recently used, unpinned files until the cache fits. */
  async evict(): Promise<void> {
    if (this.bytes <= this.maxBytes) return;
    for (const [key, entry] of [...this.entries]) {
      if (this.bytes <= this.maxBytes) return;
      if (entry.pins === 0) await this.remove(key, entry);
    }
    if (this.bytes > this.maxBytes) this.log.warn({ bytes: this.bytes, maxBytes: this.maxBytes }, 'partition cache over its limit: every file is in use');
  }

  private async remove(key: string, entry: Entry): Promise<void> {
    if (this.entries.get(key) !== entry) return;
    this.forgetEntry(key, entry);
    this.counters.evictions++;
    await unlink(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.log.warn({ err, key }, 'could not delete an evicted partition file');
    });
  }

  /** Called by a lease when it lets go of its last pin on an entry. */
  unpinned(): void {
    void this.evict().catch((err) => this.log.warn({ err }, 'partition cache eviction failed'));
  }

  private tmpDir(): string {
    return join(this.dir, '.tmp');
  }
}

/**
 * Pins files while a query may read them. Release it when the query is done;
 * `autoReleaseMs` bounds how long a forgotten lease can hold the cache.
 */
export class Lease {
  private readonly pinned: Entry[] = [];
  private released = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly cache: PartitionCache,
    autoReleaseMs?: number,
  ) {
    if (autoReleaseMs !== undefined) this.timer = setTimeout(() => this.release(), autoReleaseMs).unref();
  }

  pin(entry: Entry): void {
    if (this.released) return;
    entry.pins++;
    this.pinned.push(entry);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    for (const entry of this.pinned) entry.pins--;
    this.pinned.length = 0;
    this.cache.unpinned();
  }
}


async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.name.startsWith('.')) continue;
    // A '~' file is an object store download cut short (getToFile writes to name~tmp, then renames).
    if (e.name.includes('~')) {
      await rm(path, { force: true, recursive: true });
      continue;
    }
    if (e.isDirectory()) out.push(...(await listFiles(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}
