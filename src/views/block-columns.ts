import type { StagedRows, StageColumn } from './staged-rows.js';
import type { SourceBlock } from './view-set.js';

/**
 * The columns that log_entries and measures repeat on every row from the
 * block's catalog rows (Micromegas denormalizes them the same way so that a
 * global view can be filtered by process without a join).
 */
export const PROCESS_BLOCK_COLUMNS: StageColumn[] = [
  { name: 'process_id', kind: 'str', type: 'VARCHAR', runs: true },
  { name: 'stream_id', kind: 'str', type: 'VARCHAR', runs: true },
  { name: 'block_id', kind: 'str', type: 'VARCHAR', runs: true },
  { name: 'insert_time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE', runs: true },
  { name: 'exe', kind: 'str', type: 'VARCHAR', runs: true },
  { name: 'username', kind: 'str', type: 'VARCHAR', runs: true },
  { name: 'computer', kind: 'str', type: 'VARCHAR', runs: true },
];

export const PROCESS_PROPERTIES: StageColumn = { name: 'process_properties', kind: 'json', type: 'JSON', runs: true };

/** Properties with no entries: a property set is never NULL, as in Micromegas. */
export const EMPTY_PROPERTIES = '{}';

const propertiesText = new WeakMap<object, string>();

/** JSON text of a catalog properties map, computed once per row object. */
export function jsonOfProperties(properties: Record<string, string>): string {
  let text = propertiesText.get(properties);
  if (text === undefined) {
    text = JSON.stringify(properties);
    propertiesText.set(properties, text);
  }
  return text;
}

/** Sets the per-block columns (PROCESS_BLOCK_COLUMNS and process_properties) from row `at` on. */
export function setBlockColumns(out: StagedRows, block: SourceBlock, at: number): void {
  const { row, process } = block;
  out.setRun('process_id', at, row.process_id);
  out.setRun('stream_id', at, row.stream_id);
  out.setRun('block_id', at, row.block_id);
  out.setRun('insert_time', at, row.insert_time);
  out.setRun('exe', at, process.exe);
  out.setRun('username', at, process.username);
  out.setRun('computer', at, process.computer);
  out.setRun('process_properties', at, jsonOfProperties(process.properties));
}
