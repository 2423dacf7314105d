import { hostname } from 'node:os';
import type { Micros } from './rows.js';
import type { NewPartition } from './partitions.js';

/**
 * The build log (migration 5): one row per partition recorded by
 * upsertPartition (a build, or a merge of built partitions), written in the
 * same transaction as the partition, and never updated or deleted with it —
 * so the number of builds of a partition key counts every node's work, also
 * for partitions retired and deleted since (docs/deployment.md, decisions.md).
 */
export interface PartitionBuildRow {
  view_set: string;
  instance_id: string;
  begin_insert_time: Micros;
  end_insert_time: Micros;
  schema_version: number;
  /** The freshness key of what was built: two builds of one slice with one key built the same rows. */
  source_count: number;
  row_count: number;
  file_path: string | null;
  /** Which process recorded it: `host:pid` (BUILD_NODE). */
  node: string;
  built_at: Micros;
}

export interface PartitionBuildFilter {
  viewSet?: string;
  instanceId?: string;
}

/** This process, as the build log names it. */
export const BUILD_NODE = `${hostname()}:${process.pid}`;

export function buildParams(p: NewPartition): [string, string, number, number, number, number, number, string | null, string] {
  return [p.view_set, p.instance_id, p.begin_insert_time, p.end_insert_time, p.schema_version, p.source_count, p.row_count, p.file_path, BUILD_NODE];
}

const COLUMNS = ['view_set', 'instance_id', 'begin_insert_time', 'end_insert_time', 'schema_version', 'source_count', 'row_count', 'file_path', 'node'];

function where(filter: PartitionBuildFilter, param: (i: number) => string): { sql: string; params: string[] } {
  const conds: string[] = [];
  const params: string[] = [];
  if (filter.viewSet !== undefined) conds.push(`view_set = ${param(params.push(filter.viewSet))}`);
  if (filter.instanceId !== undefined) conds.push(`instance_id = ${param(params.push(filter.instanceId))}`);
  return { sql: conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/** PostgreSQL (schema `s`, quoted): `ts` turns a µs parameter into timestamptz. */
export const pgBuildLog = {
  insert: (s: string, ts: (e: string) => string): string =>
    `INSERT INTO ${s}.partition_builds (${COLUMNS.join(', ')}) VALUES ($1, $2, ${ts('$3')}, ${ts('$4')}, $5, $6, $7, $8, $9)`,
  prune: (s: string, ts: (e: string) => string): string => `DELETE FROM ${s}.partition_builds WHERE built_at < ${ts('$1')}`,
  list(s: string, filter: PartitionBuildFilter): { sql: string; params: string[] } {
    const w = where(filter, (i) => `$${i}`);
    const us = (c: string): string => `(extract(epoch from ${c}) * 1000000)::int8 AS ${c}`;
    return {
      sql: `SELECT view_set, instance_id, ${us('begin_insert_time')}, ${us('end_insert_time')}, schema_version, source_count, row_count, file_path, node, ${us('built_at')}
            FROM ${s}.partition_builds ${w.sql} ORDER BY built_at, view_set, instance_id, begin_insert_time`,
      params: w.params,
    };
  },
};

/** SQLite: times are µs integers already. */
export const sqliteBuildLog = {
  insert: `INSERT INTO partition_builds (${COLUMNS.join(', ')}, built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  prune: 'DELETE FROM partition_builds WHERE built_at < ?',
  list(filter: PartitionBuildFilter): { sql: string; params: string[] } {
    const w = where(filter, () => '?');
    return { sql: `SELECT ${COLUMNS.join(', ')}, built_at FROM partition_builds ${w.sql} ORDER BY built_at, rowid`, params: w.params };
  },
};

/** One row of either catalog (int8 arrives as text from PostgreSQL, as bigint from SQLite). */
export function buildFromRow(r: Record<string, unknown>): PartitionBuildRow {
  const n = (v: unknown): number => Number(v as string | bigint);
  return {
    view_set: r.view_set as string,
    instance_id: r.instance_id as string,
    begin_insert_time: n(r.begin_insert_time),
    end_insert_time: n(r.end_insert_time),
    schema_version: n(r.schema_version),
    source_count: n(r.source_count),
    row_count: n(r.row_count),
    file_path: (r.file_path as string | null) ?? null,
    node: r.node as string,
    built_at: n(r.built_at),
  };
}
