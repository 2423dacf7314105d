import { CatalogError } from './errors.js';
import { partitionFromSqlite } from './sqlite-partitions.js';
import { blockFromSqlite } from './sqlite-rows.js';
import type { SqliteStatement } from './sqlite-driver.js';
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

export interface SqliteAccess {
  /** Runs fn in a BEGIN IMMEDIATE transaction. */
  immediate<T>(fn: () => T): T;
  stmt(sql: string): SqliteStatement;
  guard<T>(what: string, fn: () => T): T;
}

type Raw = Record<string, unknown>;
const rows = retentionMappers((v) => Number(v as bigint), (v) => JSON.parse(v as string) as string[]);
const nowMicros = (): number => Date.now() * 1000;
/** Lists go in as one JSON array parameter: no limit on the number of ids. */
const ids = (list: string[]): string => JSON.stringify(list);
const IN = (column: string, param: string): string => `${column} IN (SELECT value FROM json_each(${param}))`;
const hasTag = (param: string): string => `EXISTS (SELECT 1 FROM json_each(st.tags) t WHERE t.value IN (SELECT value FROM json_each(${param})))`;
const NEVER = Number.MAX_SAFE_INTEGER;

/** FROM and WHERE of the expired blocks of a query (named parameters). */
function expired(q: Omit<ExpiredBlockQuery, 'limit'>): { sql: string; params: Record<string, unknown> } {
  const c = q.cutoffs;
  const all = [...KIND_TAGS.log, ...KIND_TAGS.metrics, ...KIND_TAGS.spans];
  // the earliest cutoff of the stream's kinds: its longest retention
  const cutoff = `min(CASE WHEN ${hasTag('@logTags')} THEN @log ELSE ${NEVER} END, CASE WHEN ${hasTag('@metricsTags')} THEN @metrics ELSE ${NEVER} END,
                      CASE WHEN ${hasTag('@spansTags')} THEN @spans ELSE ${NEVER} END, CASE WHEN NOT ${hasTag('@allTags')} THEN @other ELSE ${NEVER} END)`;
  return {
    sql: `FROM blocks b JOIN streams st ON st.stream_id = b.stream_id
          WHERE b.end_time < @latest AND b.end_time < ${cutoff}
            AND NOT EXISTS (SELECT 1 FROM kept_processes k WHERE k.process_id = b.process_id AND (k.expires_at IS NULL OR k.expires_at > @now))`,
    params: {
      logTags: ids([...KIND_TAGS.log]), metricsTags: ids([...KIND_TAGS.metrics]), spansTags: ids([...KIND_TAGS.spans]), allTags: ids(all),
      log: c.log, metrics: c.metrics, spans: c.spans, other: Math.min(c.log, c.metrics, c.spans), latest: Math.max(c.log, c.metrics, c.spans), now: q.now,
    },
  };
}

/** The retention store of the embedded catalog; every write is one IMMEDIATE transaction. */
export class SqliteRetentionStore implements RetentionStore {
  constructor(private readonly a: SqliteAccess) {}

  async keepProcesses(list: string[], expiresAt: Micros | null, note: string): Promise<KeptProcessRow[]> {
    checkIds(list);
    const kept = this.write('keepProcesses', () =>
      this.all(
        `INSERT INTO kept_processes (process_id, kept_at, expires_at, note)
         SELECT p.process_id, ?, ?, ? FROM processes p WHERE ${IN('p.process_id', '?')} AND true
         ON CONFLICT (process_id) DO UPDATE SET kept_at = excluded.kept_at, expires_at = excluded.expires_at, note = excluded.note
         RETURNING *`,
        nowMicros(), expiresAt, note, ids(list),
      ),
    );
    return kept.map(rows.kept).sort((a, b) => a.process_id.localeCompare(b.process_id));
  }

  async unkeepProcesses(list: string[]): Promise<string[]> {
    checkIds(list);
    const gone = this.write('unkeepProcesses', () => this.all(`DELETE FROM kept_processes WHERE ${IN('process_id', '?')} RETURNING process_id`, ids(list)));
    return gone.map((r) => r.process_id as string).sort();
  }

  async listKeptProcesses(): Promise<KeptProcessRow[]> {
    return this.read('listKeptProcesses', 'SELECT * FROM kept_processes ORDER BY process_id').map(rows.kept);
  }

  async removeExpiredKeeps(now: Micros): Promise<KeptProcessRow[]> {
    return this.write('removeExpiredKeeps', () => this.all('DELETE FROM kept_processes WHERE expires_at <= ? RETURNING *', now)).map(rows.kept);
  }

  async setRetentionPolicy(kind: StreamKind, maxAgeUs: number | null): Promise<void> {
    checkMaxAge(kind, maxAgeUs);
    this.write('setRetentionPolicy', () => {
      if (maxAgeUs === null) this.a.stmt('DELETE FROM retention_policies WHERE kind = ?').run(kind);
      else {
        this.a.stmt(`INSERT INTO retention_policies (kind, max_age_us, updated_at) VALUES (?, ?, ?)
          ON CONFLICT (kind) DO UPDATE SET max_age_us = excluded.max_age_us, updated_at = excluded.updated_at`).run(kind, maxAgeUs, nowMicros());
      }
    });
  }

  async listRetentionPolicies(): Promise<RetentionPolicyRow[]> {
    return this.read('listRetentionPolicies', 'SELECT * FROM retention_policies ORDER BY kind').map(rows.policy);
  }

  async listExpiredBlocks(q: ExpiredBlockQuery): Promise<BlockRow[]> {
    const e = expired(q);
    return this.read('listExpiredBlocks', `SELECT b.* ${e.sql} ORDER BY b.end_time, b.block_id LIMIT ${checkLimit(q.limit)}`, e.params).map(blockFromSqlite);
  }

  async countExpiredBlocks(q: Omit<ExpiredBlockQuery, 'limit'>): Promise<number> {
    const e = expired(q);
    return Number(this.read('countExpiredBlocks', `SELECT count(*) AS n ${e.sql}`, e.params)[0].n as bigint);
  }

  async deleteBlocks(blocks: BlockRow[], objectKeyOf: ObjectKeyOf): Promise<DeletedBlocks> {
    if (blocks.length === 0) return emptyDeleted();
    return this.write('deleteBlocks', () => {
      const deleted = this.all(`DELETE FROM blocks WHERE ${IN('block_id', '?')} RETURNING *`, ids(blocks.map((b) => b.block_id))).map(blockFromSqlite);
      const out = emptyDeleted();
      if (deleted.length === 0) return out;
      out.blocks = deleted.length;
      out.events = deleted.reduce((n, b) => n + b.nb_objects, 0);
      out.bytes = deleted.reduce((n, b) => n + b.payload_size, 0);
      out.objectKeys = deleted.map(objectKeyOf);
      this.a.stmt('INSERT INTO pending_object_deletes (object_key, deleted_at) SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING').run(nowMicros(), ids(out.objectKeys));
      const streamIds = [...new Set(deleted.map((b) => b.stream_id))];
      const processIds = [...new Set(deleted.map((b) => b.process_id))];
      const streams = this.all(`SELECT stream_id, insert_time FROM streams WHERE ${IN('stream_id', '?')}`, ids(streamIds)).map((r) => ({ stream_id: r.stream_id as string, insert_time: Number(r.insert_time as bigint) }));
      const processes = this.all(`SELECT process_id, insert_time FROM processes WHERE ${IN('process_id', '?')}`, ids(processIds)).map((r) => ({ process_id: r.process_id as string, insert_time: Number(r.insert_time as bigint) }));
      const emptyProcesses = this.all(`SELECT process_id FROM processes p WHERE ${IN('p.process_id', '?')} AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.process_id = p.process_id)`, ids(processIds)).map((r) => r.process_id as string);
      const emptyStreams = this.all(`SELECT stream_id FROM streams st WHERE ${IN('st.stream_id', '?')} AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.stream_id = st.stream_id)`, ids(streamIds)).map((r) => r.stream_id as string);
      out.retired = this.retireAt(retirePoints(deleted, streams, processes));
      this.removeRows(emptyStreams, emptyProcesses, out);
      return out;
    });
  }

  async deleteEmptyProcess(processId: string): Promise<DeletedBlocks> {
    checkIds([processId]);
    return this.write('deleteEmptyProcess', () => {
      const out = emptyDeleted();
      const left = Number((this.a.stmt('SELECT count(*) AS n FROM blocks WHERE process_id = ?').get(processId) as { n: bigint }).n);
      if (left > 0) throw new CatalogError('CONFLICT', `process ${processId} still has ${left} block(s): delete them first`);
      const p = this.a.stmt('SELECT insert_time FROM processes WHERE process_id = ?').get(processId) as { insert_time: bigint } | undefined;
      if (!p) return out;
      out.retired = this.retireAt(retirePoints([], [], [{ process_id: processId, insert_time: Number(p.insert_time) }]));
      this.removeRows([], [processId], out);
      return out;
    });
  }

  async retirePartitionsAt(points: { instance: string; t: Micros }[]): Promise<PartitionRow[]> {
    return this.write('retirePartitionsAt', () => this.retireAt(points));
  }

  async listPendingObjectDeletes(deletedBefore: Micros, limit: number): Promise<PendingObjectDelete[]> {
    return this.read('listPendingObjectDeletes', `SELECT * FROM pending_object_deletes WHERE deleted_at <= ? ORDER BY deleted_at, object_key LIMIT ${checkLimit(limit)}`, deletedBefore).map(rows.pending);
  }

  async removePendingObjectDeletes(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.write('removePendingObjectDeletes', () => Number(this.a.stmt(`DELETE FROM pending_object_deletes WHERE ${IN('object_key', '?')}`).run(ids(keys)).changes));
  }

  async recordRetentionRun(run: RetentionRunRow): Promise<void> {
    const cols = RUN_COLUMNS.join(', ');
    const updates = RUN_COLUMNS.filter((c) => c !== 'run_id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.write('recordRetentionRun', () =>
      this.a.stmt(`INSERT INTO retention_runs (${cols}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (run_id) DO UPDATE SET ${updates}`).run(...RUN_COLUMNS.map((c) => run[c])),
    );
  }

  async markInterruptedRuns(): Promise<number> {
    return this.write('markInterruptedRuns', () => this.all(`UPDATE retention_runs SET status = 'interrupted', message = ? WHERE status = 'running' RETURNING run_id`, INTERRUPTED).length);
  }

  async listRetentionRuns(limit: number): Promise<RetentionRunRow[]> {
    return this.read('listRetentionRuns', `SELECT * FROM retention_runs ORDER BY started_at DESC, run_id LIMIT ${checkLimit(limit)}`).map(rows.run);
  }

  async storageByStream(): Promise<StreamStorageRow[]> {
    return this.read(
      'storageByStream',
      `SELECT st.stream_id, st.process_id, st.tags, coalesce(b.blocks, 0) AS blocks, coalesce(b.events, 0) AS events, coalesce(b.bytes, 0) AS bytes, b.min_time, b.max_time
       FROM streams st LEFT JOIN (
         SELECT stream_id, count(*) AS blocks, sum(nb_objects) AS events, sum(payload_size) AS bytes, min(begin_time) AS min_time, max(end_time) AS max_time
         FROM blocks GROUP BY stream_id) b ON b.stream_id = st.stream_id
       ORDER BY st.process_id, st.stream_id`,
    ).map(rows.storage);
  }

  async partitionSummary(): Promise<PartitionSummaryRow[]> {
    return this.read(
      'partitionSummary',
      `SELECT view_set, count(*) FILTER (WHERE retired_at IS NULL) AS live, count(*) FILTER (WHERE retired_at IS NOT NULL) AS retired,
              coalesce(sum(row_count) FILTER (WHERE retired_at IS NULL), 0) AS rows, coalesce(sum(file_size) FILTER (WHERE retired_at IS NULL), 0) AS bytes
       FROM partitions GROUP BY view_set ORDER BY view_set`,
    ).map(rows.summary);
  }

  private retireAt(points: { instance: string; t: Micros }[]): PartitionRow[] {
    const retire = this.a.stmt('UPDATE partitions SET retired_at = ? WHERE retired_at IS NULL AND instance_id = ? AND begin_insert_time <= ? AND end_insert_time > ? RETURNING *');
    const now = nowMicros();
    return points.flatMap((p) => (retire.all(now, p.instance, p.t, p.t) as Raw[]).map(partitionFromSqlite));
  }

  private removeRows(emptyStreams: string[], emptyProcesses: string[], out: DeletedBlocks): void {
    const removed = this.all(`DELETE FROM streams WHERE ${IN('stream_id', '?')} OR ${IN('process_id', '?')} RETURNING stream_id, insert_time`, ids(emptyStreams), ids(emptyProcesses));
    out.streams = removed.map((r) => r.stream_id as string).sort();
    // the streams view's partitions that list them (a removed stream may never have had a block)
    out.retired.push(...this.retireAt(removed.map((r) => ({ instance: 'global', t: Number(r.insert_time as bigint) }))));
    this.a.stmt(`DELETE FROM kept_processes WHERE ${IN('process_id', '?')}`).run(ids(emptyProcesses));
    out.processes = this.all(`DELETE FROM processes WHERE ${IN('process_id', '?')} RETURNING process_id`, ids(emptyProcesses)).map((r) => r.process_id as string).sort();
    const instances = [...out.streams, ...out.processes];
    if (instances.length === 0) return;
    out.retired.push(...this.all(`UPDATE partitions SET retired_at = ? WHERE retired_at IS NULL AND ${IN('instance_id', '?')} RETURNING *`, nowMicros(), ids(instances)).map(partitionFromSqlite));
  }

  private all(sql: string, ...params: unknown[]): Raw[] {
    return this.a.stmt(sql).all(...params) as Raw[];
  }

  private read(what: string, sql: string, ...params: unknown[]): Raw[] {
    return this.a.guard(what, () => this.all(sql, ...params));
  }

  private write<T>(what: string, fn: () => T): T {
    return this.a.guard(what, () => this.a.immediate(fn));
  }
}
