import type { StreamActivityRow } from '../datalake/catalog/index.js';
import { jsonOfProperties } from './block-columns.js';
import type { StagedRows } from './staged-rows.js';
import { DAY, type StreamsViewSet } from './view-set.js';

/**
 * streams: the catalog's streams (Micromegas streams). The metadata columns
 * are the JSON the SDK registered (Micromegas stores them as binary);
 * last_update_time is the insert time of the stream's latest block (its own
 * insert time when it has none).
 */
export const streams: StreamsViewSet = {
  source: 'streams',
  name: 'streams',
  description: 'streams of each process (log, metrics, cpu, async), with their latest block time',
  schemaVersion: 1,
  columns: [
    { name: 'stream_id', kind: 'str', type: 'VARCHAR' },
    { name: 'process_id', kind: 'str', type: 'VARCHAR' },
    { name: 'dependencies_metadata', kind: 'json', type: 'JSON' },
    { name: 'objects_metadata', kind: 'json', type: 'JSON' },
    { name: 'tags', kind: 'strlist', type: 'VARCHAR[]' },
    { name: 'properties', kind: 'json', type: 'JSON' },
    { name: 'insert_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'last_update_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
  ],
  timeColumn: 'insert_time',
  instanceKind: null,
  global: true,
  sliceWidth: DAY,
  build: buildStreamRows,
};

function buildStreamRows(rows: readonly StreamActivityRow[], out: StagedRows): void {
  const at = out.grow(rows.length);
  rows.forEach((s, i) => {
    const r = at + i;
    out.setString('stream_id', r, s.stream_id);
    out.setString('process_id', r, s.process_id);
    out.setString('dependencies_metadata', r, JSON.stringify(s.dependencies_metadata));
    out.setString('objects_metadata', r, JSON.stringify(s.objects_metadata));
    out.setString('tags', r, JSON.stringify(s.tags));
    out.setString('properties', r, jsonOfProperties(s.properties));
    out.column<Float64Array>('insert_time')[r] = s.insert_time;
    out.column<Float64Array>('last_update_time')[r] = s.last_block_insert_time ?? s.insert_time;
  });
}
