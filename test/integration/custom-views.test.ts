import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMaintenance } from '../../src/cli/maintain.js';
import { silentLogger } from '../../src/log/log.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { CATALOG_KINDS, expectSqlError, sendProcess, startRetentionServer, withNotices, type RetentionServer } from './retention-fixtures.js';

/**
 * User views (CREATE MATERIALIZED VIEW, docs/views.md "Custom views"), over the wire, on both catalogs:
 * each view must give exactly the answer of its definition run ad hoc over the telemetry view, before
 * and after new blocks arrive, with and without a time range; it is listed in the catalogs clients read,
 * kept warm by the maintenance loop, kept across restarts and shared by the nodes of one catalog.
 */
const VIEWS: Record<string, { definition: string; order: string }> = {
  errors_per_minute: {
    definition: "SELECT date_trunc('minute', time) AS t, process_id, count(*) FROM log_entries WHERE level <= 2 GROUP BY ALL",
    order: '1, 2',
  },
  metric_hourly: {
    definition: "SELECT name, date_trunc('hour', time) AS h, avg(value) AS v, min(value) AS lo, max(value) AS hi, sum(value) AS total, count(*) AS n FROM measures GROUP BY ALL",
    order: '1, 2',
  },
  fatal_logs: { definition: 'SELECT time, process_id, target, msg FROM log_entries WHERE level = 1', order: '1, 2, 3, 4' },
  log_totals: { definition: 'SELECT count(*) AS n, min(time) AS first, max(time) AS last, avg(level) AS mean_level FROM log_entries', order: '1' },
};

/** avg() as sum/count over partitions is a different floating-point sum than DuckDB's own avg over all rows. */
const FINAL: Record<string, string> = { metric_hourly: 'name, h, round(v, 6) AS v, lo, hi, round(total, 6) AS total, n', log_totals: 'n, first, last, round(mean_level, 9) AS mean_level' };
const select = (name: string): string => `SELECT ${FINAL[name] ?? '*'} FROM ${name}`;
const adHoc = (name: string): string => `SELECT ${FINAL[name] ?? '*'} FROM (${VIEWS[name].definition}) AS v`;

describe.each(CATALOG_KINDS)('custom views, %s catalog', (kind) => {
  let rs: RetentionServer;
  let client: pg.Client;

  const expectAdHocAnswers = async (where = ''): Promise<void> => {
    for (const name of Object.keys(VIEWS)) {
      const w = name === 'errors_per_minute' ? where : '';
      // values only: the subquery of the ad-hoc form names count(*) as DuckDB does (count_star()), the view as PostgreSQL does
      const view = (await client.query({ text: `${select(name)} ${w} ORDER BY ${VIEWS[name].order}`, rowMode: 'array' })).rows;
      const ref = (await client.query({ text: `${adHoc(name)} ${w} ORDER BY ${VIEWS[name].order}`, rowMode: 'array' })).rows;
      expect(view.length, name).toBeGreaterThan(0);
      expect(view, `${name} ${w}`).toEqual(ref);
    }
  };

  beforeAll(async () => {
    rs = await startRetentionServer(kind);
    await sendProcess(rs.server, 0.5, 41, { logs: 600, metrics: 200, spans: 0 });
    await sendProcess(rs.server, 0.5, 42, { logs: 400, metrics: 100, spans: 0 });
    client = await rs.server.client();
    await client.query("SET TimeZone = 'UTC'");
  });
  afterAll(async () => {
    await client?.end();
    await rs?.close();
  });

  it('creates views that give their definition’s ad-hoc answer, populated at once', async () => {
    for (const [name, v] of Object.entries(VIEWS)) {
      const { notices } = await withNotices(client, `CREATE MATERIALIZED VIEW ${name} AS ${v.definition}`);
      expect(notices.some((n) => n.startsWith(`built ${name}/global/`)), notices.join('\n')).toBe(true);
    }
    const tag = await client.query(`CREATE MATERIALIZED VIEW IF NOT EXISTS fatal_logs AS ${VIEWS.fatal_logs.definition}`);
    expect(tag.command).toBe('CREATE');
    await expectAdHocAnswers();
    const total = (await client.query('SELECT sum(count)::INTEGER AS n FROM errors_per_minute')).rows[0].n;
    expect(total).toBe((await client.query('SELECT count(*)::INTEGER AS n FROM log_entries WHERE level <= 2')).rows[0].n);
  });

  it('answers a time range on its time column like the definition does', async () => {
    const mid = (await client.query("SELECT (min(t) + (max(t) - min(t)) / 2)::VARCHAR AS m FROM errors_per_minute")).rows[0].m as string;
    await expectAdHocAnswers(`WHERE t >= '${mid}'`);
    await expectAdHocAnswers(`WHERE t < '${mid}'`);
  });

  it('gives the ad-hoc answer again after more blocks arrive (the stale partitions rebuilt)', async () => {
    await sendProcess(rs.server, 0.5, 43, { logs: 500, metrics: 50, spans: 0 });
    const sources = async (): Promise<number> => (await client.query("SELECT sum(source_count)::INTEGER AS n FROM list_partitions('errors_per_minute')")).rows[0].n;
    const before = await sources();
    await expectAdHocAnswers();
    expect(await sources()).toBeGreaterThan(before);
  });

  it('is listed where psql and Grafana look, with its own column types', async () => {
    const cols = await client.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'errors_per_minute' ORDER BY ordinal_position",
    );
    expect(cols.rows).toEqual([
      { column_name: 't', data_type: 'timestamp with time zone' },
      { column_name: 'process_id', data_type: 'text' },
      { column_name: 'count', data_type: 'bigint' },
    ]);
    const rel = await client.query("SELECT relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'public' AND relname = 'metric_hourly'");
    expect(rel.rows).toEqual([{ relkind: 'v' }]);
    const sets = await client.query("SELECT view_set_name FROM list_view_sets() WHERE view_set_name IN ('errors_per_minute', 'log_totals') ORDER BY 1");
    expect(sets.rows.map((r) => r.view_set_name)).toEqual(['errors_per_minute', 'log_totals']);
  });

  it('is kept warm by the maintenance loop', async () => {
    const { sirius, config } = rs.server;
    await sendProcess(rs.server, 0.5, 44, { logs: 100, metrics: 10, spans: 0 });
    const run = await newMaintenance(config, silentLogger(), { lakehouse: sirius.lakehouse, catalog: sirius.ingest.catalog, store: sirius.ingest.objectStore }).runOnce();
    expect(run.errors).toEqual([]);
    expect(run.built.errors_per_minute).toBeGreaterThan(0);
    expect(run.built.metric_hourly).toBeGreaterThan(0);
    const { notices } = await withNotices(client, 'SELECT count(*) FROM errors_per_minute');
    expect(notices).toEqual([]); // nothing left to build
    await expectAdHocAnswers();
  });

  it('refuses definitions it cannot compute partition by partition, with the reason', async () => {
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT level, median(level) FROM log_entries GROUP BY ALL', '0A000', /cannot be combined across partitions/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT count(DISTINCT level) FROM log_entries', '0A000', /DISTINCT/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT level, count(*) FROM log_entries GROUP BY level, target', '0A000', /GROUP BY/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT * FROM log_entries l JOIN processes p USING (process_id)', '0A000', /exactly one telemetry view/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT * FROM log_entries ORDER BY time', '0A000', /ORDER/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT * FROM processes', '42P01', /only a global telemetry view/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT nope FROM log_entries', '42703', /nope/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW bad AS SELECT count(*), count(level) FROM log_entries', '42701', /"count" specified more than once/);
    await expectSqlError(client, `CREATE MATERIALIZED VIEW errors_per_minute AS ${VIEWS.errors_per_minute.definition}`, '42P07', /relation "errors_per_minute" already exists/);
    await expectSqlError(client, 'CREATE MATERIALIZED VIEW log_entries AS SELECT * FROM log_entries', '42P07', /already exists/);
    await expectSqlError(client, 'DROP MATERIALIZED VIEW log_stats', '42809', /built-in/);
    await expectSqlError(client, 'REFRESH MATERIALIZED VIEW nope', '42P01', /materialized view "nope" does not exist/);
    expect((await client.query("SELECT count(*)::INTEGER AS n FROM list_view_sets() WHERE view_set_name = 'bad'")).rows).toEqual([{ n: 0 }]);
  });

  it('drops a view: its name means nothing any more, in this session and in new ones', async () => {
    await client.query('SELECT count(*) FROM log_totals');
    expect((await client.query('DROP MATERIALIZED VIEW log_totals')).command).toBe('DROP');
    await expectSqlError(client, 'SELECT * FROM log_totals', '42P01', /log_totals/);
    const live = await client.query("SELECT count(*)::INTEGER AS n FROM list_partitions() WHERE view_set_name = 'log_totals'");
    expect(live.rows).toEqual([{ n: 0 }]);
    const { notices } = await withNotices(client, 'DROP MATERIALIZED VIEW IF EXISTS log_totals');
    expect(notices).toEqual(['materialized view "log_totals" does not exist, skipping']);
    await expectSqlError(client, 'DROP MATERIALIZED VIEW log_totals', '42P01', /does not exist/);
    const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'log_totals'");
    expect(tables.rows).toEqual([]);
  });
});

describe('custom views across restarts and nodes', () => {
  it('keeps definitions in the embedded catalog across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sirius-custom-views-'));
    try {
      let server = await startTestServer({ dataDir, maintenanceIntervalMs: 0 });
      let c = await server.client();
      await sendProcess(server, 0.2, 51, { logs: 300, metrics: 0, spans: 0 });
      await c.query(`CREATE MATERIALIZED VIEW errors_per_minute AS ${VIEWS.errors_per_minute.definition}`);
      const before = (await c.query('SELECT sum(count)::INTEGER AS n FROM errors_per_minute')).rows;
      await c.end();
      await server.close();
      server = await startTestServer({ dataDir, maintenanceIntervalMs: 0 });
      c = await server.client();
      try {
        expect((await c.query('SELECT sum(count)::INTEGER AS n FROM errors_per_minute')).rows).toEqual(before);
        expect(before[0].n).toBe((await c.query('SELECT count(*)::INTEGER AS n FROM log_entries WHERE level <= 2')).rows[0].n);
      } finally {
        await c.end();
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('shares definitions between nodes of one PostgreSQL catalog', async () => {
    const a = await startRetentionServer('postgres');
    const b = await startTestServer({ maintenanceIntervalMs: 0, retiredGraceMs: 0, catalogUrl: a.schema!.url, dataDir: a.server.config.dataDir });
    const ca = await a.server.client();
    const cb = await b.client();
    try {
      await sendProcess(a.server, 0.2, 61, { logs: 300, metrics: 50, spans: 0 });
      await ca.query(`CREATE MATERIALIZED VIEW metric_hourly AS ${VIEWS.metric_hourly.definition}`);
      // node b learns of it at its next maintenance run (or load)
      const run = await newMaintenance(b.config, silentLogger(), { lakehouse: b.sirius.lakehouse, catalog: b.sirius.ingest.catalog, store: b.sirius.ingest.objectStore }).runOnce();
      expect(run.errors).toEqual([]);
      const q = `${select('metric_hourly')} ORDER BY 1, 2`;
      expect((await cb.query(q)).rows).toEqual((await ca.query(q)).rows);
      expect((await cb.query({ text: q, rowMode: 'array' })).rows).toEqual((await cb.query({ text: `${adHoc('metric_hourly')} ORDER BY 1, 2`, rowMode: 'array' })).rows);
      await cb.query('DROP MATERIALIZED VIEW metric_hourly');
      await a.server.sirius.lakehouse.customViews.load();
      await expectSqlError(ca, 'SELECT * FROM metric_hourly', '42P01', /metric_hourly/);
    } finally {
      await ca.end();
      await cb.end();
      await b.close();
      await a.close();
    }
  });

  it('lets only admins create, drop and refresh views when authentication is on (42501)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirius-views-users-'));
    const file = join(dir, 'users');
    writeFileSync(file, 'carol:pw1:admin\ndave:pw2\n');
    const s: TestServer = await startTestServer({ usersFile: file, maintenanceIntervalMs: 0 });
    try {
      const dave = await s.client({ user: 'dave', password: 'pw2' });
      const carol = await s.client({ user: 'carol', password: 'pw1' });
      try {
        await expectSqlError(dave, `CREATE MATERIALIZED VIEW v AS ${VIEWS.fatal_logs.definition}`, '42501', /permission denied/);
        await carol.query(`CREATE MATERIALIZED VIEW v AS ${VIEWS.fatal_logs.definition}`);
        expect((await dave.query('SELECT count(*)::INTEGER AS n FROM v')).rows).toEqual([{ n: 0 }]);
        await expectSqlError(dave, 'REFRESH MATERIALIZED VIEW v', '42501', /permission denied/);
        await expectSqlError(dave, 'DROP MATERIALIZED VIEW v', '42501', /permission denied/);
        await carol.query('DROP MATERIALIZED VIEW v');
      } finally {
        await dave.end();
        await carol.end();
      }
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
