import { EMPTY_PROPERTIES, PROCESS_BLOCK_COLUMNS, PROCESS_PROPERTIES, setBlockColumns } from './block-columns.js';
import { BlockStrings, TEXT_ID, type StagedRows } from './staged-rows.js';
import { MINUTE, sameRange, type BlockRowBuilder, type BlockViewSet, type SourceBlock } from './view-set.js';

/** log_entries: one row per log event of the `log` streams (Micromegas log_entries). */
export const logEntries: BlockViewSet<undefined> = {
  source: 'blocks',
  name: 'log_entries',
  description: 'log events, one row each; view instances per process',
  schemaVersion: 1,
  columns: [
    ...PROCESS_BLOCK_COLUMNS,
    { name: 'time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'target', kind: 'str', type: 'VARCHAR' },
    { name: 'level', kind: 'u8', type: 'INTEGER' },
    { name: 'msg', kind: 'str', type: 'VARCHAR', texts: true },
    { name: 'properties', kind: 'json', type: 'JSON' },
    PROCESS_PROPERTIES,
  ],
  timeColumn: 'time',
  instanceKind: 'process',
  global: true,
  sliceWidth: MINUTE,
  streamTag: 'log',
  ordered: false,
  blockRange: sameRange,
  newBuilder: (out) => new LogRows(out),
};

class LogRows implements BlockRowBuilder<undefined> {
  constructor(private readonly out: StagedRows) {}

  add(block: SourceBlock): void {
    const logs = block.decoded.logs;
    if (!logs || logs.count === 0) return;
    const out = this.out;
    const n = logs.count;
    const at = out.grow(n);
    setBlockColumns(out, block, at);
    out.column<Float64Array>('time').set(logs.time, at);
    out.column<Uint8Array>('level').set(logs.level, at);
    const strings = block.decoded.strings;
    const targets = new BlockStrings(strings, out.dict('target'));
    const msgs = new BlockStrings(strings, out.dict('msg'));
    const props = new BlockStrings(strings, out.dict('properties'));
    const empty = out.dict('properties').intern(EMPTY_PROPERTIES);
    const target = out.column<Uint32Array>('target');
    const msg = out.column<Uint32Array>('msg');
    const properties = out.column<Uint32Array>('properties');
    // Ids past the block string table are formatted messages: one text per event.
    const interned = block.decoded.internedStrings;
    const texts = out.textsOf('msg');
    for (let i = 0; i < n; i++) {
      target[at + i] = targets.id(logs.target[i]);
      const m = logs.msg[i];
      if (m < interned) msg[at + i] = msgs.id(m);
      else (msg[at + i] = TEXT_ID), texts.rows.push(at + i), texts.values.push(strings[m]);
      const p = logs.properties[i];
      properties[at + i] = p < 0 ? empty : props.id(p);
    }
  }

  finish(): undefined {
    return undefined;
  }
}
