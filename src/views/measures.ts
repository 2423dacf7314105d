import { EMPTY_PROPERTIES, PROCESS_BLOCK_COLUMNS, PROCESS_PROPERTIES, setBlockColumns } from './block-columns.js';
import { BlockStrings, type StagedRows } from './staged-rows.js';
import { MINUTE, sameRange, type BlockRowBuilder, type BlockViewSet, type SourceBlock } from './view-set.js';

/** measures: one row per metric event of the `metrics` streams (Micromegas measures). */
export const measures: BlockViewSet<undefined> = {
  source: 'blocks',
  name: 'measures',
  description: 'metric values, one row each; view instances per process',
  schemaVersion: 1,
  columns: [
    ...PROCESS_BLOCK_COLUMNS,
    { name: 'time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'target', kind: 'str', type: 'VARCHAR' },
    { name: 'name', kind: 'str', type: 'VARCHAR' },
    { name: 'unit', kind: 'str', type: 'VARCHAR' },
    { name: 'value', kind: 'f64', type: 'DOUBLE' },
    { name: 'properties', kind: 'json', type: 'JSON' },
    PROCESS_PROPERTIES,
  ],
  timeColumn: 'time',
  instanceKind: 'process',
  global: true,
  sliceWidth: MINUTE,
  streamTag: 'metrics',
  ordered: false,
  blockRange: sameRange,
  newBuilder: (out) => new MeasureRows(out),
};

class MeasureRows implements BlockRowBuilder<undefined> {
  constructor(private readonly out: StagedRows) {}

  add(block: SourceBlock): void {
    const m = block.decoded.metrics;
    if (!m || m.count === 0) return;
    const out = this.out;
    const n = m.count;
    const at = out.grow(n);
    setBlockColumns(out, block, at);
    out.column<Float64Array>('time').set(m.time, at);
    out.column<Float64Array>('value').set(m.value, at);
    const strings = block.decoded.strings;
    const targets = new BlockStrings(strings, out.dict('target'));
    const names = new BlockStrings(strings, out.dict('name'));
    const units = new BlockStrings(strings, out.dict('unit'));
    const props = new BlockStrings(strings, out.dict('properties'));
    const empty = out.dict('properties').intern(EMPTY_PROPERTIES);
    const [target, name, unit, properties] = ['target', 'name', 'unit', 'properties'].map((c) => out.column<Uint32Array>(c));
    for (let i = 0; i < n; i++) {
      target[at + i] = targets.id(m.target[i]);
      name[at + i] = names.id(m.name[i]);
      unit[at + i] = units.id(m.unit[i]);
      const p = m.properties[i];
      properties[at + i] = p < 0 ? empty : props.id(p);
    }
  }

  finish(): undefined {
    return undefined;
  }
}
