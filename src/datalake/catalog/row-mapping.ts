import type { BlockRow, ProcessRow, StreamRow } from './rows.js';

/** A row as a driver returns it. */
export type RawRow = Record<string, unknown>;

/**
 * How one driver hands back the values the row types need: node-postgres
 * returns int8 as text and jsonb parsed; better-sqlite3 (safeIntegers)
 * returns every INTEGER as a bigint and JSON as text.
 */
export interface DriverValues {
  num(v: unknown): number;
  big(v: unknown): bigint;
  json<T>(v: unknown): T;
}

export interface RowMappers {
  process(r: RawRow): ProcessRow;
  stream(r: RawRow): StreamRow;
  block(r: RawRow): BlockRow;
}

/** The catalog row types from raw rows; one mapping for both catalogs. */
export function rowMappers({ num, big, json }: DriverValues): RowMappers {
  return {
    process: (r) => ({
      process_id: r.process_id as string,
      exe: r.exe as string,
      username: r.username as string,
      realname: r.realname as string,
      computer: r.computer as string,
      distro: r.distro as string,
      cpu_brand: r.cpu_brand as string,
      tsc_frequency: num(r.tsc_frequency),
      start_time: num(r.start_time),
      start_ticks: big(r.start_ticks),
      insert_time: num(r.insert_time),
      parent_process_id: (r.parent_process_id as string | null) ?? null,
      properties: json(r.properties),
    }),
    stream: (r) => ({
      stream_id: r.stream_id as string,
      process_id: r.process_id as string,
      dependencies_metadata: json(r.dependencies_metadata),
      objects_metadata: json(r.objects_metadata),
      tags: json(r.tags),
      properties: json(r.properties),
      insert_time: num(r.insert_time),
    }),
    block: (r) => ({
      block_id: r.block_id as string,
      stream_id: r.stream_id as string,
      process_id: r.process_id as string,
      begin_time: num(r.begin_time),
      begin_ticks: big(r.begin_ticks),
      end_time: num(r.end_time),
      end_ticks: big(r.end_ticks),
      nb_objects: num(r.nb_objects),
      object_offset: num(r.object_offset),
      payload_size: num(r.payload_size),
      insert_time: num(r.insert_time),
    }),
  };
}
