import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMaintenance } from '../../src/cli/maintain.js';
import { silentLogger } from '../../src/log/log.js';
import { CATALOG_KINDS, DAY_US, expectSqlError, sendProcess, startRetentionServer, withNotices, type RetentionServer } from './retention-fixtures.js';

/**
 * The tail-sampling story of docs/tail-sampling.md, over the wire, on both catalogs: cheap streams
 * (logs) choose the processes worth keeping (keep_processes with a query), their spans are read with
 * view_instance('thread_spans', stream_id) found by list_span_streams(), the spans of the others expire,
 * and no span block of a process nobody asked about is ever decoded (decoded_blocks()).
 */
const HOURS = DAY_US / 24;

describe.each(CATALOG_KINDS)('tail sampling, %s catalog', (kind) => {
  let rs: RetentionServer;
  let client: pg.Client;
  let a: string;
  let b: string;
  let c: string;
  const decoded = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await client.query('SELECT view_set_name, blocks_decoded FROM decoded_blocks()')).rows.map((r) => [r.view_set_name, Number(r.blocks_decoded)]));
  const spanStreams = async (processId: string): Promise<{ stream_id: string; blocks: string; query: string }[]> =>
    (await client.query(`SELECT stream_id, blocks, query FROM list_span_streams('${processId}')`)).rows;

  beforeAll(async () => {
    rs = await startRetentionServer(kind);
    // 20 span pairs: each process's spans fit in one block (64 events), so one build decodes it once
    a = await sendProcess(rs.server, (3 * HOURS) / DAY_US, 31, { logs: 100, metrics: 20, spans: 20 });
    b = await sendProcess(rs.server, (3 * HOURS) / DAY_US, 32, { logs: 100, metrics: 20, spans: 20 });
    c = await sendProcess(rs.server, (5 * HOURS) / DAY_US, 33, { logs: 100, metrics: 20, spans: 20 });
    client = await rs.server.client();
    await client.query("SET TimeZone = 'UTC'");
  });
  afterAll(async () => {
    await client?.end();
    await rs?.close();
  });

  it('keeps warm the global views without decoding a single span block', async () => {
    const { sirius } = rs.server;
    const maintenance = newMaintenance(rs.server.config, silentLogger(), { lakehouse: sirius.lakehouse, catalog: sirius.ingest.catalog, store: sirius.ingest.objectStore });
    const run = await maintenance.runOnce();
    expect(run.errors).toEqual([]);
    expect((await client.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(300);
    const counts = await decoded();
    expect(counts.log_entries).toBeGreaterThan(0);
    expect(counts.thread_spans).toBe(0);
    expect(counts.async_events).toBe(0);
  });

  it('keeps the processes a query over the logs chooses, until the expiry given', async () => {
    const { rows, notices } = await withNotices(
      client,
      "SELECT process_id, note, expires_at > now() + interval '6 days' AS later FROM keep_processes($$SELECT DISTINCT process_id FROM log_entries WHERE level <= 2 AND time > now() - interval '4 hours'$$, '7 days') ORDER BY 1",
    );
    expect(rows).toEqual([a, b].sort().map((id) => ({ process_id: id, note: "SELECT DISTINCT process_id FROM log_entries WHERE level <= 2 AND time > now() - interval '4 hours'", later: true })));
    expect(notices).toContain('keep_processes: 2 process(es) kept');
    const kept = await client.query('SELECT process_id FROM list_kept_processes() ORDER BY 1');
    expect(kept.rows.map((r) => r.process_id)).toEqual([a, b].sort());
    const storage = await client.query('SELECT process_id, kept FROM storage_by_process() ORDER BY process_id');
    expect(storage.rows).toEqual([a, b, c].sort().map((id) => ({ process_id: id, kept: id !== c })));
  });

  it('lists a process’s span streams from the catalog, and decodes only the one queried', async () => {
    const streams = await spanStreams(a);
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ blocks: '1', query: `SELECT * FROM view_instance('thread_spans', '${streams[0].stream_id}')` });
    expect((await decoded()).thread_spans).toBe(0);
    const spans = await client.query(streams[0].query);
    expect(spans.rowCount).toBe(20);
    // exactly a's one span block: b's and c's were never decoded
    expect((await decoded()).thread_spans).toBe(1);
    await client.query(streams[0].query);
    expect((await decoded()).thread_spans).toBe(1);
  });

  it('lets the spans of processes not kept expire, keeps the kept ones, and drops them once un-kept', async () => {
    await client.query("SELECT * FROM set_retention_policy('spans', '1 hour')");
    const cStreams = await spanStreams(c);
    await client.query('SELECT * FROM run_retention()');
    expect(await spanStreams(c)).toEqual([]);
    await expectSqlError(client, cStreams[0].query, '22023', /no stream/);
    // c's logs live on (90 days); a's and b's spans too (kept)
    expect((await client.query(`SELECT count(*)::int AS n FROM view_instance('log_entries', '${c}')`)).rows[0].n).toBe(100);
    const bStreams = await spanStreams(b);
    expect(bStreams).toHaveLength(1);
    expect((await client.query(`SELECT * FROM unkeep_processes('${b}')`)).rows).toEqual([{ process_id: b }]);
    await client.query('SELECT * FROM run_retention()');
    expect(await spanStreams(b)).toEqual([]);
    expect(await spanStreams(a)).toHaveLength(1);
    // b's span block went without ever being decoded
    expect((await decoded()).thread_spans).toBe(1);
  });

  it('refuses a query that does not return one column of process ids', async () => {
    await expectSqlError(client, "SELECT * FROM keep_processes('SELECT process_id, level FROM log_entries')", '22023', /must return one column of process ids, it returns 2/);
    await expectSqlError(client, "SELECT * FROM keep_processes('SELECT msg FROM log_entries LIMIT 1')", '22P02', /invalid input syntax for type uuid/);
    await expectSqlError(client, "SELECT * FROM keep_processes('not-an-id')", '22P02', /invalid input syntax for type uuid: "not-an-id"/);
    await expectSqlError(client, `SELECT * FROM keep_processes('${a}', 'whenever')`, '22007', /invalid expiry "whenever"/);
  });
});
