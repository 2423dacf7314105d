import { decodeBlock, type DecodedBlock } from '../../../src/datalake/block/index.js';
import type { BlockRow } from '../../../src/datalake/catalog/index.js';
import { blobKey } from '../../../src/datalake/objectstore/index.js';
import type { ResolvedView } from '../../../src/lakehouse/index.js';
import type { Harness } from './harness.js';
import type { TestProcess } from './telemetry.js';

/** The relation a server would define for a resolved view. */
export function relation(h: Harness, viewSet: string, r: ResolvedView): string {
  if (r.files.length === 0) return `(${h.lakehouse.emptyRelationSql(viewSet)})`;
  return `read_parquet([${r.files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}])`;
}

export async function decoded(h: Harness, b: BlockRow): Promise<DecodedBlock> {
  return decodeBlock(await h.store.get(blobKey(b.process_id, b.stream_id, b.block_id)));
}

const us = (t: number): bigint => BigInt(Math.floor(t));

/** log_entries rows as the spec defines them from the decoded events (time as µs, JSON as text). */
export async function expectedLogRows(h: Harness, p: TestProcess, blocks: BlockRow[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const b of blocks) {
    const d = await decoded(h, b);
    const l = d.logs!;
    for (let i = 0; i < l.count; i++) {
      rows.push({
        process_id: p.id,
        stream_id: b.stream_id,
        block_id: b.block_id,
        insert_time: BigInt(b.insert_time),
        exe: p.process.exe,
        username: p.process.username,
        computer: p.process.computer,
        time: us(l.time[i]),
        target: d.strings[l.target[i]],
        level: l.level[i],
        msg: d.strings[l.msg[i]],
        properties: l.properties[i] < 0 ? '{}' : d.strings[l.properties[i]],
        process_properties: JSON.stringify(p.process.properties),
      });
    }
  }
  return parseJson(sortRows(rows, ['time', 'block_id', 'msg']));
}

export const LOG_SELECT = `process_id, stream_id, block_id, epoch_us(insert_time) AS insert_time, exe, username, computer, epoch_us(time) AS time,
  target, level, msg, CAST(properties AS VARCHAR) AS properties, CAST(process_properties AS VARCHAR) AS process_properties`;

export async function expectedMetricRows(h: Harness, p: TestProcess, blocks: BlockRow[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const b of blocks) {
    const d = await decoded(h, b);
    const m = d.metrics!;
    for (let i = 0; i < m.count; i++) {
      rows.push({
        process_id: p.id,
        block_id: b.block_id,
        time: us(m.time[i]),
        target: d.strings[m.target[i]],
        name: d.strings[m.name[i]],
        unit: d.strings[m.unit[i]],
        value: m.value[i],
        properties: m.properties[i] < 0 ? '{}' : d.strings[m.properties[i]],
      });
    }
  }
  return parseJson(sortRows(rows, ['time', 'block_id', 'name']));
}

export const METRIC_SELECT = `process_id, block_id, epoch_us(time) AS time, target, name, unit, value, CAST(properties AS VARCHAR) AS properties`;

export async function expectedAsyncRows(h: Harness, blocks: BlockRow[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const b of blocks) {
    const d = await decoded(h, b);
    const a = d.asyncSpans!;
    for (let i = 0; i < a.count; i++) {
      const desc = a.desc[i];
      rows.push({
        stream_id: b.stream_id,
        block_id: b.block_id,
        time: us(a.time[i]),
        event_type: a.eventType[i] === 0 ? 'begin' : 'end',
        span_id: BigInt(a.spanId[i]),
        parent_span_id: BigInt(a.parentSpanId[i]),
        depth: BigInt(a.depth[i]),
        hash: BigInt(d.spanDescs.hash[desc]),
        name: d.strings[d.spanDescs.name[desc]],
        filename: d.strings[d.spanDescs.file[desc]],
        target: d.strings[d.spanDescs.target[desc]],
        line: BigInt(d.spanDescs.line[desc]),
      });
    }
  }
  return sortRows(rows, ['time', 'span_id', 'event_type']);
}

export const ASYNC_SELECT = `stream_id, block_id, epoch_us(time) AS time, event_type, span_id, parent_span_id, depth::BIGINT AS depth, hash::BIGINT AS hash, name, filename, target, line::BIGINT AS line`;

export function sortRows<T extends Record<string, unknown>>(rows: T[], keys: string[]): T[] {
  const cmp = (a: unknown, b: unknown): number => (a === b ? 0 : (a as number) < (b as number) ? -1 : 1);
  return [...rows].sort((x, y) => {
    for (const k of keys) {
      const c = cmp(x[k], y[k]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** Rows of a resolved view; JSON text columns are parsed (PostgreSQL's jsonb keeps keys in its own order). */
export async function rowsOf(h: Harness, viewSet: string, r: ResolvedView, select: string, orderBy: string): Promise<Record<string, unknown>[]> {
  return parseJson(await h.query(`SELECT ${select} FROM ${relation(h, viewSet, r)} ORDER BY ${orderBy}`));
}

const JSON_COLUMNS = ['properties', 'process_properties'];

export function parseJson<T extends Record<string, unknown>>(rows: T[]): T[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of JSON_COLUMNS) if (typeof out[c] === 'string') out[c] = JSON.parse(out[c] as string);
    return out as T;
  });
}
