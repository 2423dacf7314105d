import type { StagedRows } from './staged-rows.js';
import { MINUTE, type BlockRowBuilder, type BlockViewSet, type EventRange, type SourceBlock } from './view-set.js';

/**
 * log_stats: log counts per (minute, process, level, target), derived from the
 * `log` streams like log_entries (Micromegas log_stats). A partition counts the
 * logs of its insert-time slice, so when one minute's logs were inserted in two
 * slices the same key has a row in each: aggregate with SUM(count).
 */
export const logStats: BlockViewSet<undefined> = {
  source: 'blocks',
  name: 'log_stats',
  description: 'log counts per minute, process, level and target (sum `count`)',
  schemaVersion: 1,
  columns: [
    { name: 'time_bin', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'process_id', kind: 'str', type: 'VARCHAR', runs: true },
    { name: 'level', kind: 'u8', type: 'INTEGER' },
    { name: 'target', kind: 'str', type: 'VARCHAR' },
    { name: 'count', kind: 'i64', type: 'BIGINT' },
  ],
  timeColumn: 'time_bin',
  instanceKind: null,
  global: true,
  sliceWidth: MINUTE,
  streamTag: 'log',
  ordered: false,
  // A bin before the range's end holds logs up to one minute later.
  blockRange: (r: EventRange): EventRange => ({ begin: r.begin, end: r.end === undefined ? undefined : r.end + MINUTE }),
  newBuilder: (out) => new LogCounts(out),
};

/** Target ids stay below 2^24 in a key (a slice never holds 16M distinct targets). */
const TARGET_SPAN = 2 ** 24;

class LogCounts implements BlockRowBuilder<undefined> {
  /** process id → (minute · 8 + level) · 2^24 + target id → count. */
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly targets: string[] = [];
  private readonly targetIds = new Map<string, number>();

  constructor(private readonly out: StagedRows) {}

  add(block: SourceBlock): void {
    const logs = block.decoded.logs;
    if (!logs || logs.count === 0) return;
    let byKey = this.counts.get(block.row.process_id);
    if (!byKey) this.counts.set(block.row.process_id, (byKey = new Map()));
    const local = new Int32Array(block.decoded.strings.length).fill(-1);
    for (let i = 0; i < logs.count; i++) {
      const t = logs.target[i];
      let target = local[t];
      if (target < 0) target = local[t] = this.targetId(block.decoded.strings[t]);
      const key = (Math.floor(logs.time[i] / MINUTE) * 8 + logs.level[i]) * TARGET_SPAN + target;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
  }

  private targetId(s: string): number {
    let id = this.targetIds.get(s);
    if (id === undefined) (id = this.targets.length), this.targets.push(s), this.targetIds.set(s, id);
    return id;
  }

  finish(): undefined {
    const out = this.out;
    for (const [processId, byKey] of this.counts) {
      const keys = [...byKey.keys()].sort((a, b) => a - b);
      const at = out.grow(keys.length);
      const bins = out.column<Float64Array>('time_bin');
      const levels = out.column<Uint8Array>('level');
      const counts = out.column<Float64Array>('count');
      out.setRun('process_id', at, processId);
      keys.forEach((key, i) => {
        const target = key % TARGET_SPAN;
        const minuteLevel = (key - target) / TARGET_SPAN;
        const level = ((minuteLevel % 8) + 8) % 8;
        bins[at + i] = ((minuteLevel - level) / 8) * MINUTE;
        levels[at + i] = level;
        counts[at + i] = byKey.get(key)!;
        out.setString('target', at + i, this.targets[target]);
      });
    }
    return undefined;
  }
}
