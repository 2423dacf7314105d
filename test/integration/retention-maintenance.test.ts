import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { sendProcess } from './retention-fixtures.js';

/**
 * Retention in the maintenance loop of `sirius serve`: the first run waits one retention interval
 * after start, then expired data goes without anyone asking, and both histories show it.
 */
describe('retention in the maintenance loop', () => {
  let server: TestServer;
  let old: string;
  let recent: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'sirius-retention-loop-'));
  beforeAll(async () => {
    // the data first, with no loop; then a server with the loop on the same data directory
    const loader = await startTestServer({ dataDir, maintenanceIntervalMs: 0 });
    old = await sendProcess(loader, 200, 71, { logs: 50, metrics: 10, spans: 10 });
    recent = await sendProcess(loader, 0.1, 72, { logs: 50, metrics: 10, spans: 10 });
    await loader.close();
    server = await startTestServer({ dataDir, maintenanceIntervalMs: 50, retentionIntervalMs: 300, retiredGraceMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deletes the expired process by itself, and records the run in both histories', async () => {
    const { catalog } = server.sirius.ingest;
    await expect.poll(async () => (await catalog.getProcess(old)) === undefined, { timeout: 30_000, interval: 100 }).toBe(true);
    expect(await catalog.getProcess(recent)).toBeDefined();
    const client = await server.client();
    try {
      const runs = await client.query("SELECT status, processes_deleted FROM retention_history() WHERE trigger = 'maintenance' AND blocks_deleted > 0");
      expect(runs.rows).toEqual([{ status: 'done', processes_deleted: '1' }]);
      const loop = await client.query('SELECT retention_blocks_deleted FROM maintenance_history() WHERE retention_blocks_deleted > 0');
      expect(loop.rows).toHaveLength(1);
      const blocks = await client.query('SELECT count(*)::int AS n FROM blocks');
      expect(blocks.rows[0].n).toBe((await catalog.listBlocks()).length);
    } finally {
      await client.end();
    }
  });
});
