import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import { startMaintain } from '../../src/cli/maintain.js';
import { silentLogger } from '../../src/log/log.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

const send = (server: TestServer, seed: number) =>
  generate({ url: server.ingestUrl, processes: 2, logEvents: 100, metricEvents: 20, spanEvents: 30, startUs: Date.now() * 1000 - 60_000_000, durationUs: 60_000_000, seed, timeoutMs: 20_000, blockEvents: 64 });

describe('maintenance in sirius serve and sirius maintain', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serve keeps the global views warm: a query then builds nothing, and spans are never built', async () => {
    server = await startTestServer({ maintenanceIntervalMs: 50 });
    const sent = await send(server, 11);
    expect(sent.acknowledged).toBe(true);
    const { maintenance, lakehouse, ingest } = server.sirius;
    const watermark = await ingest.catalog.insertTimeWatermark();
    await expect.poll(() => maintenance!.history().some((r) => r.watermark >= watermark && r.errors.length === 0), { timeout: 20_000 }).toBe(true);
    await maintenance!.stop();
    const builds = lakehouse.stats().builds;
    expect(builds).toBeGreaterThan(0);
    const keys = [...lakehouse.stats().buildsByKey.keys()];
    expect(keys.filter((k) => k.startsWith('thread_spans/') || k.startsWith('async_events/'))).toEqual([]);
    const client = await server.client();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM log_entries');
      expect(rows[0].n).toBe(200);
    } finally {
      await client.end();
    }
    expect(lakehouse.stats().builds).toBe(builds);
  });

  it('maintain --once builds the recent global slices of a data directory', async () => {
    server = await startTestServer({ maintenanceIntervalMs: 0 });
    expect(server.sirius.maintenance).toBeUndefined();
    expect((await send(server, 12)).acknowledged).toBe(true);
    const service = await startMaintain(server.config, silentLogger(), true);
    try {
      const [run] = service.maintenance.history();
      expect(run.errors).toEqual([]);
      expect(run.built.log_entries).toBeGreaterThan(0);
      expect(run.built.measures).toBeGreaterThan(0);
      expect(run.built.processes).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });

  it('keeps the partition build log bounded: rows older than SIRIUS_BUILD_LOG_KEEP_MS go', async () => {
    server = await startTestServer({ maintenanceIntervalMs: 0 });
    expect((await send(server, 13)).acknowledged).toBe(true);
    const catalog = server.sirius.ingest.catalog;
    const keepAll = await startMaintain({ ...server.config, buildLogKeepMs: 86_400_000 }, silentLogger(), true);
    await keepAll.close();
    const logged = (await catalog.listPartitionBuilds()).length;
    expect(logged).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 5));
    const keepNone = await startMaintain({ ...server.config, buildLogKeepMs: 1 }, silentLogger(), true);
    try {
      const [run] = keepNone.maintenance.history();
      expect(run.errors).toEqual([]);
      expect(run.buildLogPruned).toBe(logged);
      expect(await catalog.listPartitionBuilds()).toEqual([]);
      expect((await catalog.listPartitions({ viewSet: 'log_entries' })).length).toBeGreaterThan(0);
    } finally {
      await keepNone.close();
    }
  });
});
