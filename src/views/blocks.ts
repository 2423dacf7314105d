import type { BlockRow, ProcessRow, StreamRow } from '../datalake/catalog/index.js';
import { jsonOfProperties } from './block-columns.js';
import type { StagedRows, StageColumn } from './staged-rows.js';
import { HOUR, type BlocksViewSet } from './view-set.js';

const TS = 'TIMESTAMP WITH TIME ZONE';

/**
 * blocks: the catalog's blocks with their stream's and process's columns
 * joined under "streams.*" and "processes.*" names (Micromegas blocks).
 */
export const blocks: BlocksViewSet = {
  source: 'catalog-blocks',
  name: 'blocks',
  description: 'blocks of telemetry with their stream and process columns',
  schemaVersion: 1,
  columns: [
    { name: 'block_id', kind: 'str', type: 'VARCHAR' },
    { name: 'stream_id', kind: 'str', type: 'VARCHAR' },
    { name: 'process_id', kind: 'str', type: 'VARCHAR' },
    { name: 'begin_time', kind: 'ts', type: TS },
    { name: 'begin_ticks', kind: 'ticks', type: 'BIGINT' },
    { name: 'end_time', kind: 'ts', type: TS },
    { name: 'end_ticks', kind: 'ticks', type: 'BIGINT' },
    { name: 'nb_objects', kind: 'i32', type: 'INTEGER' },
    { name: 'object_offset', kind: 'i64', type: 'BIGINT' },
    { name: 'payload_size', kind: 'i64', type: 'BIGINT' },
    { name: 'insert_time', kind: 'ts', type: TS },
    { name: 'streams.dependencies_metadata', kind: 'json', type: 'JSON' },
    { name: 'streams.objects_metadata', kind: 'json', type: 'JSON' },
    { name: 'streams.tags', kind: 'strlist', type: 'VARCHAR[]' },
    { name: 'streams.properties', kind: 'json', type: 'JSON' },
    { name: 'streams.insert_time', kind: 'ts', type: TS },
    { name: 'processes.start_time', kind: 'ts', type: TS },
    { name: 'processes.start_ticks', kind: 'ticks', type: 'BIGINT' },
    { name: 'processes.tsc_frequency', kind: 'i64', type: 'BIGINT' },
    ...(['exe', 'username', 'realname', 'computer', 'distro', 'cpu_brand'].map((c) => ({ name: `processes.${c}`, kind: 'str', type: 'VARCHAR' })) as StageColumn[]),
    { name: 'processes.insert_time', kind: 'ts', type: TS },
    { name: 'processes.parent_process_id', kind: 'str', type: 'VARCHAR', nullable: true },
    { name: 'processes.properties', kind: 'json', type: 'JSON' },
  ],
  timeColumn: 'insert_time',
  instanceKind: null,
  global: true,
  sliceWidth: HOUR,
  build: buildBlockRows,
};

function buildBlockRows(rows: readonly { block: BlockRow; stream: StreamRow; process: ProcessRow }[], out: StagedRows): void {
  const at = out.grow(rows.length);
  const f64 = (c: string): Float64Array => out.column<Float64Array>(c);
  const ticks = (c: string): BigInt64Array => out.column<BigInt64Array>(c);
  rows.forEach(({ block: b, stream: s, process: p }, i) => {
    const r = at + i;
    out.setString('block_id', r, b.block_id);
    out.setString('stream_id', r, b.stream_id);
    out.setString('process_id', r, b.process_id);
    f64('begin_time')[r] = b.begin_time;
    ticks('begin_ticks')[r] = b.begin_ticks;
    f64('end_time')[r] = b.end_time;
    ticks('end_ticks')[r] = b.end_ticks;
    out.column<Int32Array>('nb_objects')[r] = b.nb_objects;
    f64('object_offset')[r] = b.object_offset;
    f64('payload_size')[r] = b.payload_size;
    f64('insert_time')[r] = b.insert_time;
    out.setString('streams.dependencies_metadata', r, JSON.stringify(s.dependencies_metadata));
    out.setString('streams.objects_metadata', r, JSON.stringify(s.objects_metadata));
    out.setString('streams.tags', r, JSON.stringify(s.tags));
    out.setString('streams.properties', r, jsonOfProperties(s.properties));
    f64('streams.insert_time')[r] = s.insert_time;
    f64('processes.start_time')[r] = p.start_time;
    ticks('processes.start_ticks')[r] = p.start_ticks;
    f64('processes.tsc_frequency')[r] = p.tsc_frequency;
    for (const c of ['exe', 'username', 'realname', 'computer', 'distro', 'cpu_brand'] as const) out.setString(`processes.${c}`, r, p[c]);
    f64('processes.insert_time')[r] = p.insert_time;
    out.setString('processes.parent_process_id', r, p.parent_process_id);
    out.setString('processes.properties', r, jsonOfProperties(p.properties));
  });
}
