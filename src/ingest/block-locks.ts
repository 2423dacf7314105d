import pg from 'pg';
import { CatalogError, PgCatalog, type Catalog } from '../datalake/catalog/index.js';
import type { Logger } from '../log/log.js';
import { IngestError } from './errors.js';
import { KeyedMutex } from './keyed-mutex.js';

/**
 * Where the requests for one block id are serialized: the check of the
 * catalog, the put of the bytes and the insert of the row run as one critical
 * section, so a duplicate never overwrites the stored object with other bytes.
 */
export interface BlockLocks {
  run<T>(blockId: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The embedded catalog has one writer process: a mutex per block id in memory is enough. */
export class LocalBlockLocks implements BlockLocks {
  private readonly local = new KeyedMutex();

  run<T>(blockId: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(blockId, fn);
  }

  async close(): Promise<void> {}
}

/** How long a request waits for another node's request for the same block id before answering 503. */
const WAIT_LIMIT_MS = 30_000;

/**
 * Across every ingest node of a PostgreSQL catalog: a session-level advisory
 * lock per block id, on one connection of this node reserved for these locks.
 * `pg_try_advisory_lock` never blocks that connection (a request whose block is
 * held elsewhere polls), so every block of the node shares it and the catalog's
 * pool is left to the inserts; the locks cost two short statements per block.
 * A node that dies releases its locks with its session.
 */
export class PgBlockLocks implements BlockLocks {
  private readonly local = new KeyedMutex();
  private session?: Promise<pg.Client>;
  private closed = false;

  constructor(
    private readonly catalog: PgCatalog,
    private readonly log: Logger,
  ) {}

  run<T>(blockId: string, fn: () => Promise<T>): Promise<T> {
    // Requests of this node for one id queue here, not on the catalog.
    return this.local.run(blockId, async () => {
      const key = `sirius.${this.catalog.target.schema}.block.${blockId}`;
      const client = await this.acquire(key);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch((err: unknown) => {
          // The session is gone, and its locks with it.
          this.log.warn({ err, blockId }, 'releasing a block lock failed');
        });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (session) await (await session.catch(() => undefined))?.end().catch(() => undefined);
  }

  private async acquire(key: string): Promise<pg.Client> {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      let client: pg.Client;
      let ok: boolean;
      try {
        client = await this.connect();
        ok = (await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key])).rows[0].ok as boolean;
      } catch (err) {
        throw new CatalogError('UNAVAILABLE', `catalog ${this.catalog.describe()}: taking a block lock failed: ${(err as Error).message}`, { cause: err });
      }
      if (ok) return client;
      if (Date.now() > deadline) throw new IngestError(503, `another request for the same block has held it for more than ${WAIT_LIMIT_MS / 1000} s; retry later`);
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new CatalogError('UNAVAILABLE', 'the ingestion service is closing'));
    this.session ??= (async () => {
      const client = new pg.Client({ connectionString: this.catalog.target.connectionString, application_name: 'sirius-block-locks', connectionTimeoutMillis: 5_000 });
      client.on('error', (err) => {
        this.log.warn({ err }, 'block lock connection failed');
        this.session = undefined;
      });
      client.on('end', () => {
        if (this.session === current) this.session = undefined;
      });
      await client.connect();
      return client;
    })();
    const current = this.session;
    current.catch(() => {
      if (this.session === current) this.session = undefined;
    });
    return current;
  }
}

export function blockLocksFor(catalog: Catalog, log: Logger): BlockLocks {
  return catalog instanceof PgCatalog ? new PgBlockLocks(catalog, log) : new LocalBlockLocks();
}
