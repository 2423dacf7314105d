import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMaintenance } from '../../src/cli/maintain.js';
import { silentLogger } from '../../src/log/log.js';
import { RawClient } from '../helpers/raw-client.js';
import { CATALOG_KINDS, sendProcess, startRetentionServer, type RetentionServer } from './retention-fixtures.js';

/**
 * A query that is reading partition files while retention deletes the blocks they were built from
 * (and retires the partitions, and the maintenance loop deletes the retired files) still returns
 * every row it started with: its files are pinned until it ends. The next query sees what is left.
 */
describe.each(CATALOG_KINDS)('a query running during retention, %s catalog', (kind) => {
  let rs: RetentionServer;
  let client: pg.Client;
  beforeAll(async () => {
    // no grace period at all: only the query's own hold on its files protects it
    rs = await startRetentionServer(kind, { retiredGraceMs: 0 });
    for (const [seed, daysAgo] of [[61, 200], [62, 200], [63, 1], [64, 1]]) await sendProcess(rs.server, daysAgo, seed, { logs: 3000, metrics: 10, spans: 10 });
    client = await rs.server.client();
  });
  afterAll(async () => {
    await client?.end();
    await rs?.close();
  });

  it('completes with the rows it started with', async () => {
    expect((await client.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(12_000);
    const raw = await RawClient.ready(rs.server.port);
    try {
      raw.send(serialize.parse({ text: 'SELECT msg, process_id FROM log_entries' }), serialize.bind({}), serialize.execute({ rows: 100 }), serialize.flush());
      const first = await raw.until('portalSuspended', 60_000);
      expect(first.filter((m) => m.name === 'dataRow')).toHaveLength(100);

      const { rows } = await client.query('SELECT blocks_deleted, partitions_retired FROM run_retention()');
      expect(Number(rows[0].blocks_deleted)).toBeGreaterThan(0);
      expect(Number(rows[0].partitions_retired)).toBeGreaterThan(0);
      const { sirius } = rs.server;
      const run = await newMaintenance(rs.server.config, silentLogger(), { lakehouse: sirius.lakehouse, catalog: sirius.ingest.catalog, store: sirius.ingest.objectStore }).runOnce();
      expect(run.errors).toEqual([]);
      expect(run.deleted).toBeGreaterThan(0); // retired files gone from the object store

      raw.send(serialize.execute({ rows: 0 }), serialize.sync());
      const rest = await raw.until('readyForQuery', 60_000);
      expect(rest.filter((m) => m.name === 'errorResponse')).toEqual([]);
      expect(rest.filter((m) => m.name === 'dataRow')).toHaveLength(11_900);
      expect(rest.find((m) => m.name === 'commandComplete')?.text).toBe('SELECT 11900');
    } finally {
      raw.close();
    }
    expect((await client.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(6000);
  });
});
