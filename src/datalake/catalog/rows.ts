import { CatalogError } from './errors.js';

/**
 * Catalog rows, field for field the columns of the data model (docs: DESIGN.md
 * "Data model"), so a row maps onto SQL and Parquet without renaming.
 *
 * Representation (the same for every catalog):
 * - ids: canonical lowercase uuid text ('0b8f1f9e-7d0c-4a70-9c55-3d1c1e0e4a01'); other spellings are
 *   rejected rather than normalized, so the object key built from an id and the row always agree.
 * - *_time: µs since the Unix epoch, an integer number (exact in a double until year 2255);
 *   PostgreSQL stores timestamptz (µs precision), SQLite an INTEGER.
 * - *_ticks: bigint (raw 64-bit counters); tsc_frequency, sizes and counts: integer numbers.
 * - properties: string → string map (jsonb / JSON text).
 * - dependencies_metadata, objects_metadata: any JSON value, opaque to the catalog (the block
 *   codec's stream description, see datalake/block/stream-metadata.ts) (jsonb / JSON text).
 * - tags: string[] (text[] / JSON text).
 * - insert_time: assigned by the catalog when the row commits, never by the caller.
 */
export type Micros = number;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Properties = Record<string, string>;

export interface ProcessRow {
  process_id: string;
  exe: string;
  username: string;
  realname: string;
  computer: string;
  distro: string;
  cpu_brand: string;
  tsc_frequency: number;
  start_time: Micros;
  start_ticks: bigint;
  insert_time: Micros;
  parent_process_id: string | null;
  properties: Properties;
}

export interface StreamRow {
  stream_id: string;
  process_id: string;
  dependencies_metadata: JsonValue;
  objects_metadata: JsonValue;
  tags: string[];
  properties: Properties;
  insert_time: Micros;
}

export interface BlockRow {
  block_id: string;
  stream_id: string;
  process_id: string;
  begin_time: Micros;
  begin_ticks: bigint;
  end_time: Micros;
  end_ticks: bigint;
  nb_objects: number;
  object_offset: number;
  payload_size: number;
  insert_time: Micros;
}

export type NewProcess = Omit<ProcessRow, 'insert_time'>;
export type NewStream = Omit<StreamRow, 'insert_time'>;
export type NewBlock = Omit<BlockRow, 'insert_time'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

const invalid = (table: string, column: string, rule: string, value: unknown): CatalogError =>
  new CatalogError('INVALID_INPUT', `${table}.${column} must be ${rule}, got ${describeValue(value)}`);

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function checkUuid(table: string, column: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(table, column, 'a lowercase canonical uuid', value);
  return value;
}

// PostgreSQL text cannot hold NUL; rejecting it everywhere keeps both catalogs alike.
function checkText(table: string, column: string, value: unknown): void {
  if (typeof value !== 'string' || value.includes('\u0000')) throw invalid(table, column, 'a string without NUL characters', value);
}

function checkMicros(table: string, column: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(table, column, 'an integer number of µs since the Unix epoch', value);
}

function checkCount(table: string, column: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw invalid(table, column, `an integer between 0 and ${max}`, value);
  }
}

function checkTicks(table: string, column: string, value: unknown): void {
  if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) throw invalid(table, column, 'a 64-bit signed bigint', value);
}

function checkProperties(table: string, value: unknown): void {
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!ok) throw invalid(table, 'properties', 'an object of string values', value);
  for (const [k, v] of Object.entries(value as object)) {
    checkText(table, `properties[${JSON.stringify(k)}] key`, k);
    checkText(table, `properties[${JSON.stringify(k)}]`, v);
  }
}

function checkJson(table: string, column: string, value: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined || text.includes('\\u0000')) throw invalid(table, column, 'a JSON value (without NUL characters)', value);
}

export function validateProcess(p: NewProcess): NewProcess {
  const t = 'processes';
  checkUuid(t, 'process_id', p.process_id);
  for (const c of ['exe', 'username', 'realname', 'computer', 'distro', 'cpu_brand'] as const) checkText(t, c, p[c]);
  checkCount(t, 'tsc_frequency', p.tsc_frequency);
  checkMicros(t, 'start_time', p.start_time);
  checkTicks(t, 'start_ticks', p.start_ticks);
  if (p.parent_process_id !== null) checkUuid(t, 'parent_process_id', p.parent_process_id);
  checkProperties(t, p.properties);
  return p;
}

export function validateStream(s: NewStream): NewStream {
  const t = 'streams';
  checkUuid(t, 'stream_id', s.stream_id);
  checkUuid(t, 'process_id', s.process_id);
  checkJson(t, 'dependencies_metadata', s.dependencies_metadata);
  checkJson(t, 'objects_metadata', s.objects_metadata);
  if (!Array.isArray(s.tags)) throw invalid(t, 'tags', 'an array of strings', s.tags);
  s.tags.forEach((tag, i) => checkText(t, `tags[${i}]`, tag));
  checkProperties(t, s.properties);
  return s;
}

export function validateBlock(b: NewBlock): NewBlock {
  const t = 'blocks';
  checkUuid(t, 'block_id', b.block_id);
  checkUuid(t, 'stream_id', b.stream_id);
  checkUuid(t, 'process_id', b.process_id);
  checkMicros(t, 'begin_time', b.begin_time);
  checkMicros(t, 'end_time', b.end_time);
  checkTicks(t, 'begin_ticks', b.begin_ticks);
  checkTicks(t, 'end_ticks', b.end_ticks);
  checkCount(t, 'nb_objects', b.nb_objects, INT32_MAX);
  checkCount(t, 'object_offset', b.object_offset);
  checkCount(t, 'payload_size', b.payload_size);
  if (b.end_time < b.begin_time) throw invalid(t, 'end_time', `>= begin_time (${b.begin_time})`, b.end_time);
  if (b.end_ticks < b.begin_ticks) throw invalid(t, 'end_ticks', `>= begin_ticks (${b.begin_ticks})`, b.end_ticks);
  return b;
}
