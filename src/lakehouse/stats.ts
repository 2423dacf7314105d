import type { ReadCounters } from './block-reader.js';
import type { CacheCounters } from './cache.js';

export interface LakehouseStats {
  /** Partitions built by this process. */
  builds: number;
  /** Builds per partition key (view_set/instance/slice begin); the most recent keys only. */
  buildsByKey: Map<string, number>;
  cacheHits: number;
  cacheMisses: number;
  /** Blocks decoded, per view set (thread_spans stays at 0 until a view_instance asks for spans). */
  blocksDecoded: Map<string, number>;
}

/** Keys kept in buildsByKey, so a long-running server does not grow it forever. */
const KEY_LIMIT = 10_000;

export class LakehouseCounters {
  private builds = 0;
  private readonly byKey = new Map<string, number>();

  built(key: string): void {
    this.builds++;
    const n = (this.byKey.get(key) ?? 0) + 1;
    this.byKey.delete(key);
    this.byKey.set(key, n);
    if (this.byKey.size > KEY_LIMIT) this.byKey.delete(this.byKey.keys().next().value!);
  }

  snapshot(cache: CacheCounters, reads: ReadCounters): LakehouseStats {
    return { builds: this.builds, buildsByKey: new Map(this.byKey), cacheHits: cache.hits, cacheMisses: cache.misses, blocksDecoded: new Map(reads.decoded) };
  }
}
