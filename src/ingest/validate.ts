import type { JsonValue, NewProcess, NewStream, Properties } from '../datalake/catalog/index.js';
import { IngestError } from './errors.js';

/**
 * JSON bodies of insert_process and insert_stream (docs/block-format.md §7)
 * turned into catalog rows. Only shapes are checked here (which field, which
 * JSON type); the catalog checks values (uuid spelling, ranges) with its own
 * precise messages, so each rule lives in one place.
 */

type Json = Record<string, unknown>;

function parseObject(route: string, body: Buffer): Json {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new IngestError(400, `${route}: malformed JSON body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestError(400, `${route}: the body must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : typeof value}`);
  }
  return value as Json;
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function field(route: string, obj: Json, name: string, type: 'string' | 'number' | 'object' | 'array'): unknown {
  const v = obj[name];
  if (v === undefined) throw new IngestError(400, `${route}: missing field "${name}"`);
  if (typeName(v) !== type) throw new IngestError(400, `${route}: field "${name}" must be a JSON ${type}, got ${typeName(v)}`);
  return v;
}

function optionalObject(route: string, obj: Json, name: string): Json {
  return obj[name] === undefined ? {} : (field(route, obj, name, 'object') as Json);
}

/** An int64 as a decimal string (ticks may exceed 2^53), or a JSON integer that is exact. */
function int64(route: string, obj: Json, name: string): bigint {
  const v = obj[name];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return BigInt(v);
  if (v === undefined) throw new IngestError(400, `${route}: missing field "${name}"`);
  throw new IngestError(400, `${route}: field "${name}" must be a decimal string of a 64-bit integer, got ${JSON.stringify(v)}`);
}

export function parseProcess(body: Buffer): NewProcess {
  const route = 'insert_process';
  const o = parseObject(route, body);
  const parent = o.parent_process_id;
  if (parent !== undefined && parent !== null && typeof parent !== 'string') {
    throw new IngestError(400, `${route}: field "parent_process_id" must be a uuid string or null, got ${typeName(parent)}`);
  }
  return {
    process_id: field(route, o, 'process_id', 'string') as string,
    exe: field(route, o, 'exe', 'string') as string,
    username: field(route, o, 'username', 'string') as string,
    realname: field(route, o, 'realname', 'string') as string,
    computer: field(route, o, 'computer', 'string') as string,
    distro: field(route, o, 'distro', 'string') as string,
    cpu_brand: field(route, o, 'cpu_brand', 'string') as string,
    tsc_frequency: field(route, o, 'tsc_frequency', 'number') as number,
    start_time: field(route, o, 'start_time', 'number') as number,
    start_ticks: int64(route, o, 'start_ticks'),
    parent_process_id: parent ?? null,
    properties: optionalObject(route, o, 'properties') as Properties,
  };
}

export function parseStream(body: Buffer): NewStream {
  const route = 'insert_stream';
  const o = parseObject(route, body);
  return {
    stream_id: field(route, o, 'stream_id', 'string') as string,
    process_id: field(route, o, 'process_id', 'string') as string,
    dependencies_metadata: field(route, o, 'dependencies_metadata', 'object') as JsonValue,
    objects_metadata: field(route, o, 'objects_metadata', 'object') as JsonValue,
    tags: field(route, o, 'tags', 'array') as string[],
    properties: optionalObject(route, o, 'properties') as Properties,
  };
}
