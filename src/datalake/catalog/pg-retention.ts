import type pg from 'pg';
import { CatalogError } from './errors.js';
import { PARTITION_COLUMNS, partitionFromPg } from './pg-partitions.js';
import { BLOCK_COLUMNS, blockFromPg, ts } from './pg-rows.js';
import { INTERRUPTED, retentionMappers, RUN_COLUMNS } from './retention-rows.js';
import {
  checkIds,
  checkMaxAge,
  emptyDeleted,
  KIND_TAGS,
  retirePoints,
  type DeletedBlocks,
  type ExpiredBlockQuery,
  type KeptProcessRow,
  type ObjectKeyOf,
  type PartitionSummaryRow,
  type PendingObjectDelete,
  type RetentionPolicyRow,
  type RetentionRunRow,
  type RetentionStore,
  type StreamKind,
  type StreamStorageRow,
} from './retention.js';
import type { BlockRow, Micros } from './rows.js';
import type { PartitionRow } from './partitions.js';
import { checkLimit } from './query.js';

type Query = (what: string, sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
type Transaction = <T>(what: string, fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

const us = (expr: string, as: string): string => `(extract(epoch from ${expr}) * 1000000)::int8 AS ${as}`;
const rows = retentionMappers((v) => Number(v as string), (v) => v as string[]);
const KEPT_COLUMNS = `process_id::text, ${us('kept_at', 'kept_at')}, ${us('expires_at', 'expires_at')}, note`;
const nowUs = (): number => Date.now() * 1000;

/** The retention store of the PostgreSQL catalog (`s` is the quoted schema). */
export class PgRetentionStore implements RetentionStore {
  constructor(
    private readonly s: string,
    private readonly query: Query,
    private readonly transaction: Transaction,
  ) {}

  async keepProcesses(ids: string[], expiresAt: Micros | null, note: string): Promise<KeptProcessRow[]> {
    checkIds(ids);
    const { rows: kept } = await this.query(
      'keepProcesses',
      `INSERT INTO ${this.s}.kept_processes (process_id, kept_at, expires_at, note)
       SELECT p.process_id, now(), ${ts('$2')}, $3 FROM ${this.s}.processes p WHERE p.process_id = ANY ($1::uuid[])
       ON CONFLICT (process_id) DO UPDATE SET kept_at = excluded.kept_at, expires_at = excluded.expires_at, note = excluded.note
       RETURNING ${KEPT_COLUMNS}`,
      [ids, expiresAt, note],
    );
    return kept.map(rows.kept).sort((a, b) => a.process_id.localeCompare(b.process_id));
  }

  async unkeepProcesses(ids: string[]): Promise<string[]> {
    checkIds(ids);
    const r = await this.query('unkeepProcesses', `DELETE FROM ${this.s}.kept_processes WHERE process_id = ANY ($1::uuid[]) RETURNING process_id::text`, [ids]);
    return r.rows.map((x) => x.process_id as string).sort();
  }

  async listKeptProcesses(): Promise<KeptProcessRow[]> {
    return (await this.query('listKeptProcesses', `SELECT ${KEPT_COLUMNS} FROM ${this.s}.kept_processes ORDER BY process_id`)).rows.map(rows.kept);
  }

  async removeExpiredKeeps(now: Micros): Promise<KeptProcessRow[]> {
    const r = await this.query('removeExpiredKeeps', `DELETE FROM ${this.s}.kept_processes WHERE expires_at <= ${ts('$1')} RETURNING ${KEPT_COLUMNS}`, [now]);
    return r.rows.map(rows.kept);
  }

  async setRetentionPolicy(kind: StreamKind, maxAgeUs: number | null): Promise<void> {
    checkMaxAge(kind, maxAgeUs);
    if (maxAgeUs === null) {
      await this.query('setRetentionPolicy', `DELETE FROM ${this.s}.retention_policies WHERE kind = $1`, [kind]);
      return;
    }
    await this.query(
      'setRetentionPolicy',
      `INSERT INTO ${this.s}.retention_policies (kind, max_age_us, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (kind) DO UPDATE SET max_age_us = excluded.max_age_us, updated_at = excluded.updated_at`,
      [kind, maxAgeUs],
    );
  }

  async listRetentionPolicies(): Promise<RetentionPolicyRow[]> {
    const r = await this.query('listRetentionPolicies', `SELECT kind, max_age_us, ${us('updated_at', 'updated_at')} FROM ${this.s}.retention_policies ORDER BY kind`);
    return r.rows.map(rows.policy);
  }

  async listExpiredBlocks(q: ExpiredBlockQuery): Promise<BlockRow[]> {
    const e = this.expired(q);
    const { rows: found } = await this.query('listExpiredBlocks', `SELECT ${BLOCK_COLUMNS} FROM (SELECT b.* ${e.sql} ORDER BY b.end_time, b.block_id LIMIT ${checkLimit(q.limit)}) blocks`, e.params);
    return found.map(blockFromPg).sort((a, b) => a.end_time - b.end_time || a.block_id.localeCompare(b.block_id));
  }

  async countExpiredBlocks(q: Omit<ExpiredBlockQuery, 'limit'>): Promise<number> {
    const e = this.expired(q);
    return Number((await this.query('countExpiredBlocks', `SELECT count(*) AS n ${e.sql}`, e.params)).rows[0].n);
  }

  /** FROM and WHERE of the expired blocks of a query. */
  private expired(q: Omit<ExpiredBlockQuery, 'limit'>): { sql: string; params: unknown[] } {
    const c = q.cutoffs;
    const all = [...KIND_TAGS.log, ...KIND_TAGS.metrics, ...KIND_TAGS.spans];
    const other = Math.min(c.log, c.metrics, c.spans);
    // the earliest cutoff of the stream's kinds: its longest retention
    const cutoff = `LEAST(CASE WHEN st.tags && $1::text[] THEN $2::int8 END, CASE WHEN st.tags && $3::text[] THEN $4::int8 END,
                          CASE WHEN st.tags && $5::text[] THEN $6::int8 END, CASE WHEN NOT (st.tags && $7::text[]) THEN $8::int8 END)`;
    return {
      sql: `FROM ${this.s}.blocks b JOIN ${this.s}.streams st ON st.stream_id = b.stream_id
            WHERE b.end_time < ${ts('$9')} AND b.end_time < ${ts(cutoff)}
              AND NOT EXISTS (SELECT 1 FROM ${this.s}.kept_processes k WHERE k.process_id = b.process_id AND (k.expires_at IS NULL OR k.expires_at > ${ts('$10')}))`,
      params: [KIND_TAGS.log, c.log, KIND_TAGS.metrics, c.metrics, KIND_TAGS.spans, c.spans, all, other, Math.max(c.log, c.metrics, c.spans), q.now],
    };
  }

  async deleteBlocks(blocks: BlockRow[], objectKeyOf: ObjectKeyOf): Promise<DeletedBlocks> {
    if (blocks.length === 0) return emptyDeleted();
    return this.transaction('deleteBlocks', async (client) => {
      const deleted = (await client.query(`DELETE FROM ${this.s}.blocks WHERE block_id = ANY ($1::uuid[]) RETURNING ${BLOCK_COLUMNS}`, [blocks.map((b) => b.block_id)])).rows.map(blockFromPg);
      const out = emptyDeleted();
      if (deleted.length === 0) return out;
      out.blocks = deleted.length;
      out.events = deleted.reduce((n, b) => n + b.nb_objects, 0);
      out.bytes = deleted.reduce((n, b) => n + b.payload_size, 0);
      out.objectKeys = deleted.map(objectKeyOf);
      await client.query(`INSERT INTO ${this.s}.pending_object_deletes (object_key, deleted_at) SELECT unnest($1::text[]), now() ON CONFLICT DO NOTHING`, [out.objectKeys]);
      const streamIds = [...new Set(deleted.map((b) => b.stream_id))];
      const processIds = [...new Set(deleted.map((b) => b.process_id))];
      const streams = await this.insertTimes(client, 'streams', 'stream_id', streamIds);
      const processes = await this.insertTimes(client, 'processes', 'process_id', processIds);
      const emptyProcesses = (await client.query(`SELECT process_id::text FROM ${this.s}.processes p WHERE p.process_id = ANY ($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ${this.s}.blocks b WHERE b.process_id = p.process_id)`, [processIds])).rows.map((r) => r.process_id as string);
      const emptyStreams = (await client.query(`SELECT stream_id::text FROM ${this.s}.streams st WHERE st.stream_id = ANY ($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ${this.s}.blocks b WHERE b.stream_id = st.stream_id)`, [streamIds])).rows.map((r) => r.stream_id as string);
      out.retired = await this.retireAt(client, retirePoints(deleted, streams, processes));
      await this.removeRows(client, emptyStreams, emptyProcesses, out);
      return out;
    });
  }

  async deleteEmptyProcess(processId: string): Promise<DeletedBlocks> {
    checkIds([processId]);
    return this.transaction('deleteEmptyProcess', async (client) => {
      const out = emptyDeleted();
      const left = await client.query(`SELECT count(*)::int8 AS n FROM ${this.s}.blocks WHERE process_id = $1::uuid`, [processId]);
      if (Number(left.rows[0].n) > 0) throw new CatalogError('CONFLICT', `process ${processId} still has ${left.rows[0].n} block(s): delete them first`);
      const processes = await this.insertTimes(client, 'processes', 'process_id', [processId]);
      if (processes.length === 0) return out;
      out.retired = await this.retireAt(client, retirePoints([], [], processes));
      await this.removeRows(client, [], [processId], out);
      return out;
    });
  }

  async retirePartitionsAt(points: { instance: string; t: Micros }[]): Promise<PartitionRow[]> {
    return this.transaction('retirePartitionsAt', (client) => this.retireAt(client, points));
  }

  async listPendingObjectDeletes(deletedBefore: Micros, limit: number): Promise<PendingObjectDelete[]> {
    const r = await this.query('listPendingObjectDeletes', `SELECT object_key, ${us('deleted_at', 'deleted_at')} FROM ${this.s}.pending_object_deletes WHERE deleted_at <= ${ts('$1')} ORDER BY deleted_at, object_key LIMIT ${checkLimit(limit)}`, [deletedBefore]);
    return r.rows.map(rows.pending);
  }

  async removePendingObjectDeletes(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return (await this.query('removePendingObjectDeletes', `DELETE FROM ${this.s}.pending_object_deletes WHERE object_key = ANY ($1::text[])`, [keys])).rowCount ?? 0;
  }

  async recordRetentionRun(run: RetentionRunRow): Promise<void> {
    const cols = RUN_COLUMNS.join(', ');
    const values = RUN_COLUMNS.map((c, i) => (c === 'started_at' || c === 'finished_at' ? ts(`$${i + 1}`) : `$${i + 1}`)).join(', ');
    const updates = RUN_COLUMNS.filter((c) => c !== 'run_id').map((c) => `${c} = excluded.${c}`).join(', ');
    await this.query('recordRetentionRun', `INSERT INTO ${this.s}.retention_runs (${cols}) VALUES (${values}) ON CONFLICT (run_id) DO UPDATE SET ${updates}`, RUN_COLUMNS.map((c) => run[c]));
  }

  async markInterruptedRuns(): Promise<number> {
    const r = await this.query('markInterruptedRuns', `UPDATE ${this.s}.retention_runs SET status = 'interrupted', message = $1 WHERE status = 'running'`, [INTERRUPTED]);
    return r.rowCount ?? 0;
  }

  async listRetentionRuns(limit: number): Promise<RetentionRunRow[]> {
    const cols = RUN_COLUMNS.map((c) => (c === 'started_at' || c === 'finished_at' ? us(c, c) : c)).join(', ');
    const r = await this.query('listRetentionRuns', `SELECT ${cols} FROM ${this.s}.retention_runs ORDER BY started_at DESC, run_id LIMIT ${checkLimit(limit)}`);
    return r.rows.map(rows.run);
  }

  async storageByStream(): Promise<StreamStorageRow[]> {
    const r = await this.query(
      'storageByStream',
      `SELECT st.stream_id::text, st.process_id::text, st.tags, coalesce(b.blocks, 0) AS blocks, coalesce(b.events, 0) AS events, coalesce(b.bytes, 0) AS bytes,
              ${us('b.min_time', 'min_time')}, ${us('b.max_time', 'max_time')}
       FROM ${this.s}.streams st LEFT JOIN (
         SELECT stream_id, count(*) AS blocks, sum(nb_objects) AS events, sum(payload_size) AS bytes, min(begin_time) AS min_time, max(end_time) AS max_time
         FROM ${this.s}.blocks GROUP BY stream_id) b ON b.stream_id = st.stream_id
       ORDER BY st.process_id, st.stream_id`,
    );
    return r.rows.map(rows.storage);
  }

  async partitionSummary(): Promise<PartitionSummaryRow[]> {
    const r = await this.query(
      'partitionSummary',
      `SELECT view_set, count(*) FILTER (WHERE retired_at IS NULL) AS live, count(*) FILTER (WHERE retired_at IS NOT NULL) AS retired,
              coalesce(sum(row_count) FILTER (WHERE retired_at IS NULL), 0) AS rows, coalesce(sum(file_size) FILTER (WHERE retired_at IS NULL), 0) AS bytes
       FROM ${this.s}.partitions GROUP BY view_set ORDER BY view_set`,
    );
    return r.rows.map(rows.summary);
  }

  private async insertTimes<K extends 'stream_id' | 'process_id'>(client: pg.PoolClient, table: string, idColumn: K, ids: string[]): Promise<({ insert_time: Micros } & Record<K, string>)[]> {
    const r = await client.query(`SELECT ${idColumn}::text AS id, ${us('insert_time', 'insert_time')} FROM ${this.s}.${table} WHERE ${idColumn} = ANY ($1::uuid[])`, [ids]);
    return r.rows.map((x) => ({ [idColumn]: x.id as string, insert_time: Number(x.insert_time) }) as { insert_time: Micros } & Record<K, string>);
  }

  /** Retires the live partitions whose instance and insert range hold one of the points. */
  private async retireAt(client: pg.PoolClient, points: { instance: string; t: Micros }[]): Promise<PartitionRow[]> {
    if (points.length === 0) return [];
    const r = await client.query(
      `UPDATE ${this.s}.partitions SET retired_at = now() FROM unnest($1::text[], $2::int8[]) AS x (inst, t)
       WHERE retired_at IS NULL AND instance_id = x.inst AND begin_insert_time <= ${ts('x.t')} AND end_insert_time > ${ts('x.t')}
       RETURNING ${PARTITION_COLUMNS}`,
      [points.map((p) => p.instance), points.map((p) => p.t)],
    );
    return r.rows.map(partitionFromPg);
  }

  /** Removes the empty streams, and the empty processes with all their streams, keeps and instance partitions. */
  private async removeRows(client: pg.PoolClient, emptyStreams: string[], emptyProcesses: string[], out: DeletedBlocks): Promise<void> {
    const removed = await client.query(`DELETE FROM ${this.s}.streams WHERE stream_id = ANY ($1::uuid[]) OR process_id = ANY ($2::uuid[]) RETURNING stream_id::text, ${us('insert_time', 'insert_time')}`, [emptyStreams, emptyProcesses]);
    out.streams = removed.rows.map((r) => r.stream_id as string).sort();
    // the streams view's partitions that list them (a removed stream may never have had a block)
    out.retired.push(...(await this.retireAt(client, removed.rows.map((r) => ({ instance: 'global', t: Number(r.insert_time) })))));
    await client.query(`DELETE FROM ${this.s}.kept_processes WHERE process_id = ANY ($1::uuid[])`, [emptyProcesses]);
    const gone = await client.query(`DELETE FROM ${this.s}.processes WHERE process_id = ANY ($1::uuid[]) RETURNING process_id::text`, [emptyProcesses]);
    out.processes = gone.rows.map((r) => r.process_id as string).sort();
    const instances = [...out.streams, ...out.processes];
    if (instances.length === 0) return;
    const r = await client.query(`UPDATE ${this.s}.partitions SET retired_at = now() WHERE retired_at IS NULL AND instance_id = ANY ($1::text[]) RETURNING ${PARTITION_COLUMNS}`, [instances]);
    out.retired.push(...r.rows.map(partitionFromPg));
  }
}
