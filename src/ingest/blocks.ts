import { readBlockMeta, type BlockMeta } from '../datalake/block/index.js';
import { CatalogError, type BlockRow, type Catalog, type InsertResult, type NewBlock } from '../datalake/catalog/index.js';
import { blobKey, ObjectNotFoundError, type ObjectStore } from '../datalake/objectstore/index.js';
import { IngestError } from './errors.js';
import { LocalBlockLocks, type BlockLocks } from './block-locks.js';

/** Streams never change owner and are never deleted, so their process is cached. Bounded to cap memory. */
const STREAM_CACHE_LIMIT = 100_000;

export function blockRow(meta: BlockMeta): NewBlock {
  return {
    block_id: meta.blockId,
    stream_id: meta.streamId,
    process_id: meta.processId,
    begin_time: meta.beginTime,
    begin_ticks: meta.beginTicks,
    end_time: meta.endTime,
    end_ticks: meta.endTicks,
    nb_objects: meta.nbObjects,
    object_offset: meta.objectOffset,
    payload_size: meta.blockSize,
  };
}

/**
 * insert_block: the bytes go to the object store first, the catalog row
 * second, so a row never points at a missing object. A failure between the
 * two leaves an object without a row, which no reader sees and the client's
 * retry (same id, same key) overwrites. Such an object is never deleted here:
 * after a lost reply from the catalog the row may in fact be committed.
 *
 * Requests for one block id are serialized (`BlockLocks`: in this process on
 * the embedded catalog, across every node on PostgreSQL), so a duplicate that
 * races its original — a retry sent to another node — cannot overwrite the
 * stored object with other bytes: the loser finds the row and compares.
 */
export class BlockIngestor {
  private readonly streamOwners = new Map<string, string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly store: ObjectStore,
    private readonly perBlock: BlockLocks = new LocalBlockLocks(),
  ) {}

  async insert(body: Buffer): Promise<{ result: InsertResult; meta: BlockMeta }> {
    const meta = readBlockMeta(body);
    await this.checkStream(meta);
    const result = await this.perBlock.run(meta.blockId, () => this.storeBlock(meta, body));
    return { result, meta };
  }

  private async storeBlock(meta: BlockMeta, body: Buffer): Promise<InsertResult> {
    const key = blobKey(meta.processId, meta.streamId, meta.blockId);
    const existing = await this.catalog.getBlock(meta.blockId);
    if (existing) return this.confirmRetry(existing, meta, key, body);
    await this.store.put(key, body);
    try {
      return await this.catalog.insertBlock(blockRow(meta));
    } catch (err) {
      // retention deleted the stream since it was remembered: the client must register it again (422)
      if (!(err instanceof CatalogError) || err.code !== 'UNKNOWN_STREAM') throw err;
      this.streamOwners.delete(meta.streamId);
      throw unregisteredStream(meta);
    }
  }

  /** A block id already in the catalog: a retry of the same bytes is a success, anything else a conflict. */
  private async confirmRetry(existing: BlockRow, meta: BlockMeta, key: string, body: Buffer): Promise<InsertResult> {
    if (existing.stream_id !== meta.streamId) {
      throw new IngestError(409, `block ${meta.blockId} is already stored in stream ${existing.stream_id}, not ${meta.streamId}`);
    }
    let stored: Buffer;
    try {
      stored = await this.store.get(key);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      // The row outlived its object (an operator deleted it, a bucket lost it): the same header restores it.
      if (!sameRow(existing, blockRow(meta))) throw differentContent(meta);
      await this.store.put(key, body);
      return 'duplicate';
    }
    if (!stored.equals(body)) throw differentContent(meta);
    return 'duplicate';
  }

  /** 422 unless the block's stream is registered, and registered to the block's process. */
  private async checkStream(meta: BlockMeta): Promise<void> {
    let owner = this.streamOwners.get(meta.streamId);
    if (owner === undefined) {
      const stream = await this.catalog.getStream(meta.streamId);
      if (stream === undefined) throw unregisteredStream(meta);
      owner = stream.process_id;
      if (this.streamOwners.size >= STREAM_CACHE_LIMIT) this.streamOwners.clear();
      this.streamOwners.set(meta.streamId, owner);
    }
    if (owner !== meta.processId) {
      throw new IngestError(422, `block ${meta.blockId} says process ${meta.processId}, but its stream ${meta.streamId} belongs to process ${owner}`);
    }
  }
}

/** The SDK recognizes "not registered" and registers its process and streams again (src/sdk/sink.ts). */
function unregisteredStream(meta: BlockMeta): IngestError {
  return new IngestError(422, `block ${meta.blockId} belongs to stream ${meta.streamId}, which is not registered: POST /ingestion/insert_stream first`);
}

function sameRow(a: BlockRow, b: NewBlock): boolean {
  return (Object.keys(b) as (keyof NewBlock)[]).every((k) => a[k] === b[k]);
}

function differentContent(meta: BlockMeta): IngestError {
  return new IngestError(409, `block ${meta.blockId} is already stored with different content: a block id must not be reused`);
}
