import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILD_NODE, type Catalog } from '../../../src/datalake/catalog/index.js';
import { newPartition } from './catalog-contract-partitions.js';

interface Env {
  catalog: Catalog;
  /** Another catalog instance on the same database. */
  open(): Promise<Catalog>;
}

const MINUTE = 60_000_000;

/** The partition build log (migration 5); part of catalogContract. */
export function buildLogContract(env: () => Env): void {
  describe('partition build log', () => {
    it('records one build per recorded partition, none for a retried upsert, with this node and the freshness key', async () => {
      const { catalog } = env();
      const before = Date.now() * 1000;
      const p = newPartition();
      await catalog.upsertPartition(p);
      await catalog.upsertPartition({ ...p });
      const builds = await catalog.listPartitionBuilds({ viewSet: p.view_set, instanceId: p.instance_id });
      expect(builds).toEqual([
        {
          view_set: p.view_set,
          instance_id: p.instance_id,
          begin_insert_time: p.begin_insert_time,
          end_insert_time: p.end_insert_time,
          schema_version: p.schema_version,
          source_count: p.source_count,
          row_count: p.row_count,
          file_path: p.file_path,
          node: BUILD_NODE,
          built_at: expect.any(Number),
        },
      ]);
      expect(Math.abs(builds[0].built_at - before)).toBeLessThan(60_000_000);
    });

    it('keeps the builds of retired and deleted partitions, and counts a rebuild of the same slice', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      const first = newPartition({ instance_id: instance, source_count: 10 });
      const rebuilt = newPartition({ instance_id: instance, source_count: 12 });
      await catalog.upsertPartition(first);
      const { retired } = await catalog.upsertPartition(rebuilt);
      expect(retired.map((r) => r.file_path)).toEqual([first.file_path]);
      expect(await catalog.deleteRetiredPartitions([first.file_path!])).toBe(1);
      const builds = await catalog.listPartitionBuilds({ viewSet: first.view_set, instanceId: instance });
      expect(builds.map((b) => [b.file_path, b.source_count])).toEqual([
        [first.file_path, 10],
        [rebuilt.file_path, 12],
      ]);
    });

    it('records an empty partition (no file) and filters by view set and instance', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      const empty = newPartition({ instance_id: instance, row_count: 0, file_path: null, file_size: 0, min_event_time: null, max_event_time: null });
      const other = newPartition({ view_set: 'measures', instance_id: instance, begin_insert_time: empty.begin_insert_time + MINUTE, end_insert_time: empty.end_insert_time + MINUTE });
      await catalog.upsertPartition(empty);
      await catalog.upsertPartition(other);
      expect((await catalog.listPartitionBuilds({ viewSet: 'log_entries', instanceId: instance })).map((b) => [b.file_path, b.row_count])).toEqual([[null, 0]]);
      expect((await catalog.listPartitionBuilds({ instanceId: instance })).map((b) => b.view_set).sort()).toEqual(['log_entries', 'measures']);
      expect((await catalog.listPartitionBuilds()).filter((b) => b.instance_id === instance)).toHaveLength(2);
    });

    it('prunes rows built before a time, and only those', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      await catalog.upsertPartition(newPartition({ instance_id: instance }));
      const [row] = await catalog.listPartitionBuilds({ instanceId: instance });
      expect(await catalog.pruneBuildLog(row.built_at)).toBeGreaterThanOrEqual(0); // strictly before: this row stays
      expect(await catalog.listPartitionBuilds({ instanceId: instance })).toHaveLength(1);
      expect(await catalog.pruneBuildLog(row.built_at + 1)).toBeGreaterThanOrEqual(1);
      expect(await catalog.listPartitionBuilds({ instanceId: instance })).toEqual([]);
      expect((await catalog.listPartitions({ viewSet: 'log_entries', instanceId: instance })).length).toBe(1); // the partition itself stays
    });

    it('is shared by every catalog instance on the same database', async () => {
      const { catalog, open } = env();
      const other = await open(); // closed by the contract's afterAll
      const p = newPartition();
      await other.upsertPartition(p);
      expect((await catalog.listPartitionBuilds({ viewSet: p.view_set, instanceId: p.instance_id })).map((b) => b.file_path)).toEqual([p.file_path]);
    });
  });
}
