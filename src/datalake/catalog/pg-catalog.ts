import pg from 'pg';
import type { Logger } from '../../log/log.js';
import { batchOutcomes, blockIdTaken, blockProblem, finishBatch, planBatch, type BatchPlan } from './batch.js';
import type { BatchInsertResult, BlockFilter, Catalog, InsertResult, ProcessFilter, StreamFilter } from './catalog.js';
import { CatalogError } from './errors.js';
import { buildFromRow, buildParams, pgBuildLog, type PartitionBuildFilter, type PartitionBuildRow } from './build-log.js';
import { GroupCommit } from './group-commit.js';
import { checkKnownVersions } from './migrations.js';
import { PG_MIGRATIONS } from './pg-schema.js';
import { BLOCK_COLUMNS, blockFromPg, listBlocksQuery, listProcessesQuery, listStreamsQuery, mapPgError, PROCESS_COLUMNS, processFromPg, STREAM_COLUMNS, streamFromPg, TICK_SQL, ts } from './pg-rows.js';
import { quoteIdent, type PgCatalogTarget } from './pg-url.js';
import { PgRetentionStore } from './pg-retention.js';
import type { RetentionStore } from './retention.js';
import { PgCustomViewStore, type CustomViewStore } from './custom-views.js';
import { checkTaggedFilter, validatePartition, type ActivityFilter, type BlockSlice, type BlockSliceQuery, type NewPartition, type PartitionFilter, type PartitionRow, type ProcessActivityRow, type RetireFilter, type RetiredFilter, type StreamActivityRow, type TaggedBlockFilter, type UpsertPartitionResult } from './partitions.js';
import {
  blockSlicesQuery,
  insertPartitionQuery,
  listPartitionsQuery,
  listRetiredQuery,
  listTaggedBlocksQuery,
  partitionFromPg,
  processActivityFromPg,
  processActivityQuery,
  retireOverlappingQuery,
  retirePartitionsQuery,
  streamActivityFromPg,
  streamActivityQuery,
} from './pg-partitions.js';
import { checkUuid, validateBlock, validateProcess, validateStream, type BlockRow, type Micros, type NewBlock, type NewProcess, type NewStream, type ProcessRow, type StreamRow } from './rows.js';

const FOREIGN_KEY_VIOLATION = '23503';
/**
 * A stream never moves to another process, so its process is remembered (bounded to cap memory). Retention
 * may delete a stream, though: a block write that then meets the foreign key forgets and decides again.
 */
const STREAM_CACHE_LIMIT = 100_000;

/**
 * The shared catalog of a scale-out deployment. Every insert takes the next
 * insert_time from the one-row insert_clock table in the same statement; the
 * row lock is held until commit, so commits across all nodes get increasing
 * insert_times in commit order (see Catalog). That serializes catalog writes
 * cluster-wide, which group commit offsets: one statement carries a whole batch.
 */
export class PgCatalog implements Catalog {
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly streamOwners = new Map<string, string>();
  private readonly blockCommits = new GroupCommit<NewBlock, InsertResult>((rows) => this.insertBlocks(rows).then(batchOutcomes));
  readonly retention: RetentionStore;
  readonly customViews: CustomViewStore;

  constructor(
    readonly target: PgCatalogTarget,
    log?: Logger,
  ) {
    this.s = quoteIdent(target.schema);
    this.retention = new PgRetentionStore(this.s, (what, sql, params) => this.query(what, sql, params), (what, fn) => this.transaction(what, fn));
    this.customViews = new PgCustomViewStore(this.s, (what, sql, params) => this.query(what, sql, params));
    this.pool = new pg.Pool({ connectionString: target.connectionString, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, application_name: 'sirius-catalog' });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on('error', (err) => log?.warn({ err, catalog: this.describe() }, 'idle catalog connection failed'));
  }

  describe(): string {
    return this.target.display;
  }

  /** All pending migrations in one transaction, under an advisory lock per schema: concurrent nodes apply them once. */
  async migrate(): Promise<void> {
    const client = await this.connect('migrate');
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sirius.migrate.${this.target.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.s}.sirius_migrations (version int4 PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = (await client.query(`SELECT version FROM ${this.s}.sirius_migrations`)).rows.map((r) => r.version as number);
      checkKnownVersions(applied, PG_MIGRATIONS, this.describe());
      for (const m of PG_MIGRATIONS.filter((m) => !applied.includes(m.version))) {
        for (const sql of m.statements(this.s)) await client.query(sql);
        await client.query(`INSERT INTO ${this.s}.sirius_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw mapPgError(err, 'migrate', this.describe());
    } finally {
      client.release();
    }
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.query('schemaVersion', `SELECT to_regclass($1) IS NOT NULL AS present`, [`${this.s}.sirius_migrations`]);
    if (!rows[0].present) return 0;
    const r = await this.query('schemaVersion', `SELECT coalesce(max(version), 0) AS v FROM ${this.s}.sirius_migrations`);
    return r.rows[0].v as number;
  }

  async insertProcess(p: NewProcess): Promise<InsertResult> {
    validateProcess(p);
    const { rowCount } = await this.query(
      'insertProcess',
      `WITH clock AS (${TICK_SQL(this.s)})
       INSERT INTO ${this.s}.processes (process_id, exe, username, realname, computer, distro, cpu_brand, tsc_frequency, start_time, start_ticks, insert_time, parent_process_id, properties)
       SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::int8, ${ts('$9')}, $10::int8, ${ts('clock.last_us')}, $11::uuid, $12::jsonb FROM clock
       ON CONFLICT (process_id) DO NOTHING`,
      [p.process_id, p.exe, p.username, p.realname, p.computer, p.distro, p.cpu_brand, p.tsc_frequency, p.start_time, p.start_ticks, p.parent_process_id, JSON.stringify(p.properties)],
    );
    return rowCount === 1 ? 'inserted' : 'duplicate';
  }

  async insertStream(st: NewStream): Promise<InsertResult> {
    validateStream(st);
    let rowCount: number | null;
    try {
      ({ rowCount } = await this.pool.query(
        `WITH clock AS (${TICK_SQL(this.s)})
         INSERT INTO ${this.s}.streams (stream_id, process_id, dependencies_metadata, objects_metadata, tags, properties, insert_time)
         SELECT $1::uuid, $2::uuid, $3::jsonb, $4::jsonb, $5::text[], $6::jsonb, ${ts('clock.last_us')} FROM clock
         ON CONFLICT (stream_id) DO NOTHING`,
        [st.stream_id, st.process_id, JSON.stringify(st.dependencies_metadata), JSON.stringify(st.objects_metadata), st.tags, JSON.stringify(st.properties)],
      ));
    } catch (err) {
      if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
        throw new CatalogError('UNKNOWN_PROCESS', `process ${st.process_id} of stream ${st.stream_id} is not in the catalog: insert the process first`, { cause: err });
      }
      throw mapPgError(err, 'insertStream', this.describe());
    }
    if (rowCount === 1) return 'inserted';
    const owner = (await this.streamProcesses([st.stream_id])).get(st.stream_id);
    if (owner !== st.process_id) throw new CatalogError('CONFLICT', `stream ${st.stream_id} already belongs to process ${owner}, not ${st.process_id}`);
    return 'duplicate';
  }

  async insertBlock(b: NewBlock): Promise<InsertResult> {
    validateBlock(b);
    return this.blockCommits.submit(b);
  }

  async insertBlocks(rows: NewBlock[]): Promise<BatchInsertResult[]> {
    try {
      return await this.insertBlocksOnce(rows);
    } catch (err) {
      if (!(err instanceof CatalogError) || (err.cause as { code?: string } | undefined)?.code !== FOREIGN_KEY_VIOLATION) throw err;
      // a stream remembered here was deleted (retention, on any node): its blocks are now UNKNOWN_STREAM, the others go in
      for (const r of rows) this.streamOwners.delete(r.stream_id);
      return this.insertBlocksOnce(rows);
    }
  }

  private async insertBlocksOnce(rows: NewBlock[]): Promise<BatchInsertResult[]> {
    const plan = planBatch(rows);
    if (plan.valid.length === 0) return finishBatch(plan);
    const owners = await this.streamProcesses(plan.valid.map((v) => v.row.stream_id));
    const eligible = plan.valid.filter(({ row, index }) => {
      const problem = blockProblem(row, owners.get(row.stream_id));
      if (problem) plan.results[index] = { status: 'rejected', error: problem };
      return !problem;
    });
    if (eligible.length > 0) await this.writeBlocks(eligible.map((v) => v.row), plan);
    return finishBatch(plan);
  }

  async getProcess(processId: string): Promise<ProcessRow | undefined> {
    checkUuid('processes', 'process_id', processId);
    const { rows } = await this.query('getProcess', `SELECT ${PROCESS_COLUMNS} FROM ${this.s}.processes WHERE process_id = $1::uuid`, [processId]);
    return rows[0] && processFromPg(rows[0]);
  }

  async getStream(streamId: string): Promise<StreamRow | undefined> {
    checkUuid('streams', 'stream_id', streamId);
    const { rows } = await this.query('getStream', `SELECT ${STREAM_COLUMNS} FROM ${this.s}.streams WHERE stream_id = $1::uuid`, [streamId]);
    return rows[0] && streamFromPg(rows[0]);
  }

  async getBlock(blockId: string): Promise<BlockRow | undefined> {
    checkUuid('blocks', 'block_id', blockId);
    const { rows } = await this.query('getBlock', `SELECT ${BLOCK_COLUMNS} FROM ${this.s}.blocks WHERE block_id = $1::uuid`, [blockId]);
    return rows[0] && blockFromPg(rows[0]);
  }

  async listProcesses(filter: ProcessFilter = {}): Promise<ProcessRow[]> {
    const q = listProcessesQuery(this.s, filter);
    return (await this.query('listProcesses', q.sql, q.params)).rows.map(processFromPg);
  }

  async listStreams(filter: StreamFilter = {}): Promise<StreamRow[]> {
    if (filter.processId !== undefined) checkUuid('streams', 'process_id', filter.processId);
    const q = listStreamsQuery(this.s, filter);
    return (await this.query('listStreams', q.sql, q.params)).rows.map(streamFromPg);
  }

  async listBlocks(filter: BlockFilter = {}): Promise<BlockRow[]> {
    if (filter.streamId !== undefined) checkUuid('blocks', 'stream_id', filter.streamId);
    if (filter.processId !== undefined) checkUuid('blocks', 'process_id', filter.processId);
    const q = listBlocksQuery(this.s, filter);
    return (await this.query('listBlocks', q.sql, q.params)).rows.map(blockFromPg);
  }

  /** Waits (on the clock row lock) for in-flight inserts to commit, then moves the clock to now. */
  async insertTimeWatermark(): Promise<Micros> {
    const { rows } = await this.query(
      'insertTimeWatermark',
      `UPDATE ${this.s}.insert_clock SET last_us = greatest(last_us, (extract(epoch from clock_timestamp()) * 1000000)::int8) WHERE id = 1 RETURNING last_us`,
    );
    return Number(rows[0].last_us);
  }

  async committedInsertTime(): Promise<Micros> {
    const { rows } = await this.query('committedInsertTime', `SELECT last_us FROM ${this.s}.insert_clock WHERE id = 1`);
    return Number(rows[0].last_us);
  }

  /** Serialized per view instance by a transaction-scoped advisory lock, across every node of the cluster. */
  async upsertPartition(p: NewPartition): Promise<UpsertPartitionResult> {
    validatePartition(p);
    return this.transaction('upsertPartition', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sirius.partitions.${this.target.schema}.${p.view_set}/${p.instance_id}`]);
      if (p.file_path !== null && (await client.query(`SELECT 1 FROM ${this.s}.partitions WHERE file_path = $1`, [p.file_path])).rowCount) return { status: 'duplicate', retired: [] };
      const retire = retireOverlappingQuery(this.s, p);
      const retired = (await client.query(retire.sql, retire.params)).rows.map(partitionFromPg);
      const insert = insertPartitionQuery(this.s, p);
      await client.query(insert.sql, insert.params);
      await client.query(pgBuildLog.insert(this.s, ts), buildParams(p));
      return { status: 'inserted', retired };
    });
  }

  async pruneBuildLog(builtBefore: Micros): Promise<number> {
    return (await this.query('pruneBuildLog', pgBuildLog.prune(this.s, ts), [builtBefore])).rowCount ?? 0;
  }

  async listPartitionBuilds(filter: PartitionBuildFilter = {}): Promise<PartitionBuildRow[]> {
    const q = pgBuildLog.list(this.s, filter);
    return (await this.query('listPartitionBuilds', q.sql, q.params)).rows.map(buildFromRow);
  }

  async listPartitions(filter: PartitionFilter): Promise<PartitionRow[]> {
    const q = listPartitionsQuery(this.s, filter);
    return (await this.query('listPartitions', q.sql, q.params)).rows.map(partitionFromPg);
  }

  async retirePartitions(filter: RetireFilter): Promise<PartitionRow[]> {
    const q = retirePartitionsQuery(this.s, filter);
    return (await this.query('retirePartitions', q.sql, q.params)).rows.map(partitionFromPg);
  }

  async listRetiredPartitions(filter: RetiredFilter): Promise<PartitionRow[]> {
    const q = listRetiredQuery(this.s, filter);
    return (await this.query('listRetiredPartitions', q.sql, q.params)).rows.map(partitionFromPg);
  }

  async deleteRetiredPartitions(filePaths: string[]): Promise<number> {
    if (filePaths.length === 0) return 0;
    const r = await this.query('deleteRetiredPartitions', `DELETE FROM ${this.s}.partitions WHERE file_path = ANY ($1::text[]) AND retired_at IS NOT NULL`, [filePaths]);
    return r.rowCount ?? 0;
  }

  /**
   * Runs fn holding a transaction-scoped advisory lock on `name` (in this catalog's schema), so
   * processes sharing the catalog run it one at a time. Holds one pooled connection meanwhile.
   */
  async withAdvisoryLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.connect('withAdvisoryLock');
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sirius.${this.target.schema}.${name}`]);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw mapPgError(err, 'withAdvisoryLock', this.describe());
    }
    try {
      return await fn();
    } finally {
      // COMMIT releases the lock; a broken connection releases it too (the session ends).
      const ok = await client.query('COMMIT').then(() => true, () => false);
      client.release(!ok);
    }
  }

  async blockSlices(query: BlockSliceQuery): Promise<BlockSlice[]> {
    checkTaggedFilter(query);
    const q = blockSlicesQuery(this.s, query);
    const { rows } = await this.query('blockSlices', q.sql, q.params);
    return rows.map((r) => ({ sliceBegin: Number(r.slice_begin), blockCount: Number(r.block_count), objectCount: Number(r.object_count) }));
  }

  async listTaggedBlocks(filter: TaggedBlockFilter): Promise<BlockRow[]> {
    checkTaggedFilter(filter);
    const q = listTaggedBlocksQuery(this.s, filter);
    return (await this.query('listTaggedBlocks', q.sql, q.params)).rows.map(blockFromPg);
  }

  async listProcessActivity(filter: ActivityFilter = {}): Promise<ProcessActivityRow[]> {
    const q = processActivityQuery(this.s, filter);
    return (await this.query('listProcessActivity', q.sql, q.params)).rows.map(processActivityFromPg);
  }

  async listStreamActivity(filter: ActivityFilter = {}): Promise<StreamActivityRow[]> {
    const q = streamActivityQuery(this.s, filter);
    return (await this.query('listStreamActivity', q.sql, q.params)).rows.map(streamActivityFromPg);
  }

  async health(): Promise<void> {
    await this.query('health', 'SELECT 1');
  }

  async close(): Promise<void> {
    await this.blockCommits.flush();
    await this.pool.end();
  }

  /** One statement: the clock tick, every row, ON CONFLICT for retries. Rows not returned already existed. */
  private async writeBlocks(rows: NewBlock[], plan: BatchPlan): Promise<void> {
    const col = <K extends keyof NewBlock>(k: K): NewBlock[K][] => rows.map((r) => r[k]);
    const { rows: inserted } = await this.query(
      'insertBlocks',
      `WITH clock AS (${TICK_SQL(this.s)})
       INSERT INTO ${this.s}.blocks (block_id, stream_id, process_id, begin_time, begin_ticks, end_time, end_ticks, nb_objects, object_offset, payload_size, insert_time)
       SELECT b.block_id, b.stream_id, b.process_id, ${ts('b.begin_us')}, b.begin_ticks, ${ts('b.end_us')}, b.end_ticks, b.nb_objects, b.object_offset, b.payload_size, ${ts('clock.last_us')}
       FROM clock, unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int4[], $9::int8[], $10::int8[])
         AS b (block_id, stream_id, process_id, begin_us, begin_ticks, end_us, end_ticks, nb_objects, object_offset, payload_size)
       ON CONFLICT (block_id) DO NOTHING
       RETURNING block_id::text`,
      [col('block_id'), col('stream_id'), col('process_id'), col('begin_time'), col('begin_ticks'), col('end_time'), col('end_ticks'), col('nb_objects'), col('object_offset'), col('payload_size')],
    );
    const insertedIds = new Set(inserted.map((r) => r.block_id as string));
    const retried = rows.filter((r) => !insertedIds.has(r.block_id)).map((r) => r.block_id);
    const existing = new Map<string, string>();
    if (retried.length > 0) {
      const { rows: found } = await this.query('insertBlocks', `SELECT block_id::text, stream_id::text FROM ${this.s}.blocks WHERE block_id = ANY ($1::uuid[])`, [retried]);
      for (const r of found) existing.set(r.block_id as string, r.stream_id as string);
    }
    for (const { row, index } of plan.valid) {
      if (plan.results[index]) continue;
      if (insertedIds.has(row.block_id)) plan.results[index] = { status: 'inserted' };
      else if (existing.get(row.block_id) === row.stream_id) plan.results[index] = { status: 'duplicate' };
      else plan.results[index] = { status: 'rejected', error: blockIdTaken(row, existing.get(row.block_id) ?? '(unknown)') };
    }
  }

  /** stream_id → process_id for the streams that exist, from the cache or one query. */
  private async streamProcesses(streamIds: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(streamIds)) {
      const owner = this.streamOwners.get(id);
      if (owner === undefined) missing.push(id);
      else owners.set(id, owner);
    }
    if (missing.length === 0) return owners;
    const { rows } = await this.query('streamProcesses', `SELECT stream_id::text, process_id::text FROM ${this.s}.streams WHERE stream_id = ANY ($1::uuid[])`, [missing]);
    if (this.streamOwners.size + rows.length > STREAM_CACHE_LIMIT) this.streamOwners.clear();
    for (const r of rows) {
      owners.set(r.stream_id as string, r.process_id as string);
      this.streamOwners.set(r.stream_id as string, r.process_id as string);
    }
    return owners;
  }

  private async query(what: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (err) {
      throw mapPgError(err, what, this.describe());
    }
  }

  private async transaction<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect(what);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw mapPgError(err, what, this.describe());
    } finally {
      client.release();
    }
  }

  private async connect(what: string): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw mapPgError(err, what, this.describe());
    }
  }
}
