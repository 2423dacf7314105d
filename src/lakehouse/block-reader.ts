import { BlockFormatError, decodeBlock, type StreamMetadata } from '../datalake/block/index.js';
import type { BlockRow, Catalog, ProcessRow, StreamRow } from '../datalake/catalog/index.js';
import { blobKey, ObjectNotFoundError, type ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';
import type { SourceBlock } from '../views/index.js';

/** Blocks fetched ahead of the one being decoded: object store latency overlaps decoding. */
const PREFETCH = 4;
/** Streams and processes are immutable once inserted, so they are cached; bounded to cap memory. */
const METADATA_CACHE_LIMIT = 10_000;

export interface ReadCounters {
  /** Blocks decoded, per view set. */
  decoded: Map<string, number>;
  /** Blocks skipped: missing from the object store, or not a valid block. */
  skipped: number;
}

/**
 * Fetches blocks from the object store and decodes them with their catalog
 * rows. A block that is gone or corrupt is skipped and logged (its events are
 * lost, the rest of the partition is not); any other failure is thrown.
 */
export class BlockReader {
  private readonly streams = new Map<string, StreamRow>();
  private readonly processes = new Map<string, ProcessRow>();
  readonly counters: ReadCounters = { decoded: new Map(), skipped: 0 };

  constructor(
    private readonly catalog: Catalog,
    private readonly store: ObjectStore,
    private readonly log: Logger,
  ) {}

  async stream(id: string): Promise<StreamRow> {
    return cached(this.streams, id, () => this.catalog.getStream(id), 'stream');
  }

  async process(id: string): Promise<ProcessRow> {
    return cached(this.processes, id, () => this.catalog.getProcess(id), 'process');
  }

  /** Yields the decodable blocks of `rows`, in order. */
  async *read(rows: readonly BlockRow[], viewSet: string): AsyncGenerator<SourceBlock> {
    const pending: Promise<SourceBlock | null>[] = [];
    let next = 0;
    const refill = (): void => {
      while (pending.length < PREFETCH && next < rows.length) {
        const p = this.fetch(rows[next++], viewSet);
        p.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
        pending.push(p);
      }
    };
    refill();
    while (pending.length > 0) {
      const block = await pending.shift()!;
      refill();
      if (block) yield block;
    }
  }

  private async fetch(row: BlockRow, viewSet: string): Promise<SourceBlock | null> {
    const [stream, process] = await Promise.all([this.stream(row.stream_id), this.process(row.process_id)]);
    let bytes: Buffer;
    try {
      bytes = await this.store.get(blobKey(row.process_id, row.stream_id, row.block_id));
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      return this.skip(row, err, 'block payload missing from the object store');
    }
    try {
      const decoded = decodeBlock(bytes, { stream_id: stream.stream_id, objects_metadata: stream.objects_metadata as StreamMetadata['objects_metadata'] });
      this.counters.decoded.set(viewSet, (this.counters.decoded.get(viewSet) ?? 0) + 1);
      return { row, decoded, stream, process };
    } catch (err) {
      if (!(err instanceof BlockFormatError)) throw err;
      return this.skip(row, err, 'block is not decodable');
    }
  }

  private skip(row: BlockRow, err: Error, why: string): null {
    this.counters.skipped++;
    this.log.warn({ err, block_id: row.block_id, stream_id: row.stream_id, process_id: row.process_id }, `${why}: skipped`);
    return null;
  }
}

async function cached<T>(map: Map<string, T>, id: string, load: () => Promise<T | undefined>, what: string): Promise<T> {
  const hit = map.get(id);
  if (hit) return hit;
  const row = await load();
  if (!row) throw new Error(`${what} ${id} of a block is not in the catalog`);
  if (map.size >= METADATA_CACHE_LIMIT) map.clear();
  map.set(id, row);
  return row;
}
