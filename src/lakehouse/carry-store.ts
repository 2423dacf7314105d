import type { BlockRow, Catalog } from '../datalake/catalog/index.js';
import type { BlockViewSet } from '../views/index.js';
import type { BlockReader } from './block-reader.js';

interface Checkpoint {
  /** The state covers every block of the stream inserted before this time… */
  through: number;
  /** …which were this many (a different count means the stream's past changed: the checkpoint is unusable). */
  blocks: number;
  state: unknown;
}

/** Streams remembered, and checkpoints per stream (oldest dropped first). */
const STREAM_LIMIT = 1000;
const CHECKPOINTS_PER_STREAM = 64;

const byObjectOffset = (a: BlockRow, b: BlockRow): number => a.object_offset - b.object_offset;

/**
 * The state a view carries along a stream (thread_spans: the open spans) at
 * the start of a slice. It is the replay, in stream order, of every earlier
 * block of the stream; checkpoints taken at slice boundaries (by builds and by
 * replays) make the replay start from the nearest one, so building a stream's
 * slices in order decodes each block once.
 */
export class CarryStore {
  /** Map order is LRU order. */
  private readonly streams = new Map<string, Checkpoint[]>();

  constructor(
    private readonly catalog: Catalog,
    private readonly reader: BlockReader,
  ) {}

  /** The state after every block of the stream inserted before `before`, and how many blocks that was. */
  async stateAt<S>(view: BlockViewSet<S>, streamId: string, before: number): Promise<{ state: S; blocks: number }> {
    const carry = view.carry;
    if (!carry) throw new Error(`view set ${view.name} carries no state`);
    const rows = await this.catalog.listTaggedBlocks({ streamId, insertTimeEnd: before });
    const start = this.usable(view.name, streamId, before, rows);
    let state = (start?.state as S | undefined) ?? carry.initial();
    const rest = rows.filter((r) => r.insert_time >= (start?.through ?? -Infinity)).sort(byObjectOffset);
    for await (const block of this.reader.read(rest, view.name)) state = carry.advance(state, block);
    this.remember(view.name, streamId, before, rows.length, state);
    return { state, blocks: rows.length };
  }

  /** Records the state after the `blocks` blocks of the stream inserted before `through`. */
  remember(viewSet: string, streamId: string, through: number, blocks: number, state: unknown): void {
    const key = `${viewSet}/${streamId}`;
    const list = (this.streams.get(key) ?? []).filter((c) => c.through !== through);
    list.push({ through, blocks, state });
    list.sort((a, b) => a.through - b.through);
    if (list.length > CHECKPOINTS_PER_STREAM) list.shift();
    this.streams.delete(key);
    this.streams.set(key, list);
    if (this.streams.size > STREAM_LIMIT) this.streams.delete(this.streams.keys().next().value!);
  }

  /** The latest checkpoint at or before `before` whose block count still matches the catalog. */
  private usable(viewSet: string, streamId: string, before: number, rows: readonly BlockRow[]): Checkpoint | undefined {
    const list = this.streams.get(`${viewSet}/${streamId}`) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      if (c.through > before) continue;
      if (rows.filter((r) => r.insert_time < c.through).length === c.blocks) return c;
    }
    return undefined;
  }
}
