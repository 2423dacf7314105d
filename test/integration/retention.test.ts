import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { allBlocks, CATALOG_KINDS, DAY_US, expectedExpired, expectSqlError, sendProcess, startRetentionServer, withNotices, type RetentionServer } from './retention-fixtures.js';

/**
 * Retention over the wire (docs/retention.md), on both catalogs: run_retention() deletes exactly the
 * expired blocks of processes that are not kept, with their payloads, the partitions built from them,
 * and the streams and processes left empty; a second run deletes nothing; un-kept processes go at the
 * next run; delete_process() removes one process whatever its age.
 */
const DEFAULTS = { log: 90, metrics: 90, spans: 7 };

describe.each(CATALOG_KINDS)('retention, %s catalog', (kind) => {
  let rs: RetentionServer;
  let client: pg.Client;
  const ids: Record<'oldKept' | 'old' | 'month' | 'recent', string> = { oldKept: '', old: '', month: '', recent: '' };

  beforeAll(async () => {
    rs = await startRetentionServer(kind);
    ids.oldKept = await sendProcess(rs.server, 200, 1);
    ids.old = await sendProcess(rs.server, 200, 2);
    ids.month = await sendProcess(rs.server, 30, 3);
    ids.recent = await sendProcess(rs.server, 0.1, 4);
    client = await rs.server.client();
  });
  afterAll(async () => {
    await client?.end();
    await rs?.close();
  });

  const catalog = () => rs.server.sirius.ingest.catalog;
  const objectPath = (b: { process_id: string; stream_id: string; block_id: string }) => join(rs.server.config.dataDir, 'objects', ...blobKey(b.process_id, b.stream_id, b.block_id).split('/'));
  const logCount = async (): Promise<number> => (await client.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n;

  it('shows the default policies per kind, from the configuration', async () => {
    const { rows } = await client.query('SELECT kind, stream_tags, max_age, max_age_us, source FROM list_retention_policies()');
    expect(rows).toEqual([
      { kind: 'log', stream_tags: 'log', max_age: '90 days', max_age_us: String(90 * DAY_US), source: 'config' },
      { kind: 'metrics', stream_tags: 'metrics', max_age: '90 days', max_age_us: String(90 * DAY_US), source: 'config' },
      { kind: 'spans', stream_tags: 'cpu, async', max_age: '7 days', max_age_us: String(7 * DAY_US), source: 'config' },
    ]);
  });

  it('deletes exactly the expired blocks of processes not kept, and what was built from them', async () => {
    const kept = await client.query(`SELECT process_id, expires_at > now() + interval '29 days' AS long FROM keep_processes('${ids.oldKept}', '30 days')`);
    expect(kept.rows).toEqual([{ process_id: ids.oldKept, long: true }]);
    expect(await logCount()).toBe(1200); // builds the partitions that retention must retire
    const catalogViews = async (): Promise<[number, number, number]> => {
      const q = async (sql: string): Promise<number> => (await client.query(sql)).rows[0].n;
      return [await q('SELECT count(*)::int AS n FROM processes'), await q('SELECT count(*)::int AS n FROM streams'), await q('SELECT count(*)::int AS n FROM blocks')];
    };
    const rowsNow = async (): Promise<[number, number, number]> => [(await catalog().listProcesses()).length, (await catalog().listStreams()).length, (await catalog().listBlocks()).length];
    expect(await catalogViews()).toEqual(await rowsNow());
    const before = await allBlocks(catalog());
    const expired = expectedExpired(before, DEFAULTS, new Set([ids.oldKept]), Date.now() * 1000);
    // the old process whole, the month-old process's spans; nothing of the kept or the recent one
    expect(new Set(before.filter((b) => expired.has(b.block_id)).map((b) => b.process_id))).toEqual(new Set([ids.old, ids.month]));

    const { rows, notices } = await withNotices(client, 'SELECT * FROM run_retention()');
    expect(notices[0]).toBe(`retention: 0/${expired.size} expired block(s) deleted`);
    expect(notices.at(-2)).toBe(`retention: ${expired.size}/${expired.size} expired block(s) deleted`);
    const gone = before.filter((b) => expired.has(b.block_id));
    expect(rows[0]).toMatchObject({
      blocks_deleted: String(expired.size),
      events_deleted: String(gone.reduce((n, b) => n + b.nb_objects, 0)),
      bytes_deleted: String(gone.reduce((n, b) => n + b.payload_size, 0)),
      processes_deleted: '1',
      objects_deleted: String(expired.size),
    });
    expect(Number(rows[0].partitions_retired)).toBeGreaterThan(0);

    const after = await allBlocks(catalog());
    expect(new Set(after.map((b) => b.block_id))).toEqual(new Set(before.filter((b) => !expired.has(b.block_id)).map((b) => b.block_id)));
    for (const b of gone) expect(existsSync(objectPath(b)), b.block_id).toBe(false);
    for (const b of after) expect(existsSync(objectPath(b)), b.block_id).toBe(true);
    // streams and processes with no block left are gone; the others stay (a stream that never had a block
    // is not touched: it may have just been registered, its first block on its way)
    expect(await catalog().getProcess(ids.old)).toBeUndefined();
    expect((await catalog().listStreams({ processId: ids.month })).map((s) => s.tags).sort()).toEqual([['async'], ['log'], ['metrics']]);
    expect((await catalog().listStreams({ processId: ids.oldKept, tag: 'cpu' })).length).toBeGreaterThan(0);
    // the views read what is left, not the retired partitions
    expect(await logCount()).toBe(900);
    expect(await catalogViews()).toEqual(await rowsNow());
    const spans = await client.query(`SELECT count(*)::int AS n FROM list_span_streams('${ids.month}')`);
    expect(spans.rows[0].n).toBe(0);
  });

  it('deletes nothing the second time, and records both runs', async () => {
    const { rows } = await client.query('SELECT blocks_deleted, processes_deleted FROM run_retention()');
    expect(rows).toEqual([{ blocks_deleted: '0', processes_deleted: '0' }]);
    const history = await client.query("SELECT trigger, status, blocks_deleted FROM retention_history() WHERE trigger = 'sql'");
    expect(history.rows).toHaveLength(2);
    expect(history.rows.every((r) => r.status === 'done')).toBe(true);
    expect(history.rows.map((r) => Number(r.blocks_deleted))).toContain(0);
  });

  it('deletes an un-kept process at the next run', async () => {
    expect((await client.query(`SELECT * FROM unkeep_processes('${ids.oldKept}')`)).rows).toEqual([{ process_id: ids.oldKept }]);
    expect((await client.query('SELECT * FROM list_kept_processes()')).rows).toEqual([]);
    const { rows } = await client.query('SELECT processes_deleted FROM run_retention()');
    expect(rows).toEqual([{ processes_deleted: '1' }]);
    expect(await catalog().getProcess(ids.oldKept)).toBeUndefined();
    expect(await logCount()).toBe(600);
  });

  it('uses a policy set by SQL, and goes back to the default', async () => {
    const set = await client.query("SELECT kind, max_age, source FROM set_retention_policy('log', '20 days')");
    expect(set.rows).toEqual([{ kind: 'log', max_age: '20 days', source: 'catalog' }]);
    const { rows } = await client.query('SELECT blocks_deleted FROM run_retention()');
    const monthLogs = (await allBlocks(catalog())).filter((b) => b.process_id === ids.month && b.tags.includes('log'));
    expect(monthLogs).toEqual([]);
    expect(Number(rows[0].blocks_deleted)).toBeGreaterThan(0);
    expect(await logCount()).toBe(300);
    const reset = await client.query("SELECT max_age, source FROM set_retention_policy('log', 'default')");
    expect(reset.rows).toEqual([{ max_age: '90 days', source: 'config' }]);
    await expectSqlError(client, "SELECT * FROM set_retention_policy('traces', '1 day')", '22023', /unknown stream kind "traces"/);
    await expectSqlError(client, "SELECT * FROM set_retention_policy('log', 'soon')", '22007', /invalid input syntax for type interval: "soon"/);
  });

  it('deletes one process on demand, whatever its age, with progress', async () => {
    const blocks = (await allBlocks(catalog())).filter((b) => b.process_id === ids.recent);
    expect(blocks.length).toBeGreaterThan(0);
    const { rows, notices } = await withNotices(client, `SELECT * FROM delete_process('${ids.recent}')`);
    expect(rows[0]).toMatchObject({ blocks_deleted: String(blocks.length), processes_deleted: '1' });
    expect(notices[0]).toBe(`delete_process: 0/${blocks.length} block(s) deleted`);
    expect(await catalog().getProcess(ids.recent)).toBeUndefined();
    for (const b of blocks) expect(existsSync(objectPath(b))).toBe(false);
    expect(await logCount()).toBe(0);
    await expectSqlError(client, `SELECT * FROM delete_process('${ids.recent}')`, '42704', new RegExp(`process ${ids.recent} does not exist`));
    await expectSqlError(client, "SELECT * FROM delete_process('nope')", '22P02', /invalid input syntax for type uuid: "nope"/);
    const history = await client.query(`SELECT status FROM retention_history() WHERE trigger = 'delete_process ${ids.recent}'`);
    expect(history.rows).toEqual([{ status: 'done' }]);
  });
});
