import type { ProcessActivityRow } from '../datalake/catalog/index.js';
import { jsonOfProperties } from './block-columns.js';
import type { StagedRows } from './staged-rows.js';
import { DAY, type ProcessesViewSet } from './view-set.js';

/**
 * processes: the catalog's processes with what their blocks say (Micromegas
 * processes). last_update_time is the insert time of the process's latest
 * block (its own insert time when it has none); last_block_end_ticks/time are
 * that block's end (NULL without blocks).
 */
export const processes: ProcessesViewSet = {
  source: 'processes',
  name: 'processes',
  description: 'processes that sent telemetry, with their latest block',
  schemaVersion: 1,
  columns: [
    { name: 'process_id', kind: 'str', type: 'VARCHAR' },
    { name: 'exe', kind: 'str', type: 'VARCHAR' },
    { name: 'username', kind: 'str', type: 'VARCHAR' },
    { name: 'realname', kind: 'str', type: 'VARCHAR' },
    { name: 'computer', kind: 'str', type: 'VARCHAR' },
    { name: 'distro', kind: 'str', type: 'VARCHAR' },
    { name: 'cpu_brand', kind: 'str', type: 'VARCHAR' },
    { name: 'tsc_frequency', kind: 'i64', type: 'BIGINT' },
    { name: 'start_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'start_ticks', kind: 'ticks', type: 'BIGINT' },
    { name: 'insert_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'parent_process_id', kind: 'str', type: 'VARCHAR', nullable: true },
    { name: 'properties', kind: 'json', type: 'JSON' },
    { name: 'last_update_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'last_block_end_ticks', kind: 'ticks', type: 'BIGINT', nullable: true },
    { name: 'last_block_end_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
  ],
  timeColumn: 'insert_time',
  instanceKind: null,
  global: true,
  sliceWidth: DAY,
  build: buildProcessRows,
};

const TEXT_COLUMNS = ['process_id', 'exe', 'username', 'realname', 'computer', 'distro', 'cpu_brand'] as const;

function buildProcessRows(rows: readonly ProcessActivityRow[], out: StagedRows): void {
  const at = out.grow(rows.length);
  rows.forEach((p, i) => {
    const r = at + i;
    for (const c of TEXT_COLUMNS) out.setString(c, r, p[c]);
    out.column<Float64Array>('tsc_frequency')[r] = p.tsc_frequency;
    out.column<Float64Array>('start_time')[r] = p.start_time;
    out.column<BigInt64Array>('start_ticks')[r] = p.start_ticks;
    out.column<Float64Array>('insert_time')[r] = p.insert_time;
    out.setString('parent_process_id', r, p.parent_process_id);
    out.setString('properties', r, jsonOfProperties(p.properties));
    out.column<Float64Array>('last_update_time')[r] = p.last_block_insert_time ?? p.insert_time;
    if (p.last_block_end_ticks === null) out.setNull('last_block_end_ticks', r);
    else out.column<BigInt64Array>('last_block_end_ticks')[r] = p.last_block_end_ticks;
    if (p.last_block_end_time === null) out.setNull('last_block_end_time', r);
    else out.column<Float64Array>('last_block_end_time')[r] = p.last_block_end_time;
  });
}
