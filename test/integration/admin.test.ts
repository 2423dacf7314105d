import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * Lakehouse administration as SQL (issue 4): list_view_sets(),
 * list_partitions(), materialize_partitions(), retire_partitions() over
 * node-postgres, simple and extended protocol, with progress as NOTICEs.
 */
let server: TestServer;
let client: pg.Client;
const START = Date.UTC(2026, 0, 1) * 1000;
const HOUR = 3_600_000_000;
const PROCESSES = 3;
const LOG_EVENTS = 600;
const MATERIALIZE = "materialize_partitions('log_entries', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z')";
const RETIRE_ALL = "retire_partitions('log_entries', 'global', '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')";
const Oid = { bool: 16, int8: 20, int4: 23, text: 25, timestamptz: 1184 };

beforeAll(async () => {
  // no maintenance loop: these tests decide when partitions are built and retired
  server = await startTestServer({ maintenanceIntervalMs: 0 });
  const sent = await generate({
    url: server.ingestUrl, processes: PROCESSES, logEvents: LOG_EVENTS, metricEvents: 100, spanEvents: 20,
    startUs: START, durationUs: HOUR, seed: 4, timeoutMs: 30_000, blockEvents: 128,
  });
  expect(sent.acknowledged).toBe(true);
  client = await server.client();
  await client.query("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

/** Runs a query and records, in order, the notices and the arrival of the result. */
async function withNotices(c: pg.Client, run: () => Promise<pg.QueryResult>): Promise<{ result: pg.QueryResult; events: string[] }> {
  const events: string[] = [];
  const onNotice = (n: { message?: string }): void => void events.push(`notice: ${n.message}`);
  c.on('notice', onNotice);
  try {
    const result = await run();
    events.push('result');
    return { result, events };
  } finally {
    c.off('notice', onNotice);
  }
}

async function expectError(c: pg.Client, sql: string, code: string, message: RegExp): Promise<pg.DatabaseError> {
  const err = await c.query(sql).then(() => null, (e: unknown) => e);
  expect(err, sql).toBeInstanceOf(pg.DatabaseError);
  expect((err as pg.DatabaseError).code, `${sql}: ${(err as Error).message}`).toBe(code);
  expect((err as Error).message).toMatch(message);
  // the connection stays usable
  expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  return err as pg.DatabaseError;
}

describe('list_view_sets()', () => {
  it('lists every view set of docs/lakehouse.md with its global instance, instance kind and time column', async () => {
    const r = await client.query('SELECT view_set_name, has_global, instance_kind, time_column FROM list_view_sets() ORDER BY 1');
    expect(r.rows).toEqual([
      { view_set_name: 'async_events', has_global: false, instance_kind: 'process', time_column: 'time' },
      { view_set_name: 'blocks', has_global: true, instance_kind: null, time_column: 'insert_time' },
      { view_set_name: 'log_entries', has_global: true, instance_kind: 'process', time_column: 'time' },
      { view_set_name: 'log_stats', has_global: true, instance_kind: null, time_column: 'time_bin' },
      { view_set_name: 'measures', has_global: true, instance_kind: 'process', time_column: 'time' },
      { view_set_name: 'processes', has_global: true, instance_kind: null, time_column: 'insert_time' },
      { view_set_name: 'streams', has_global: true, instance_kind: null, time_column: 'insert_time' },
      { view_set_name: 'thread_spans', has_global: false, instance_kind: 'stream', time_column: 'begin' },
    ]);
    const all = await client.query('SELECT * FROM list_view_sets()');
    expect(all.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['view_set_name', Oid.text], ['schema_version', Oid.int4], ['has_global', Oid.bool],
      ['instance_kind', Oid.text], ['time_column', Oid.text], ['description', Oid.text],
    ]);
    for (const row of all.rows) expect(row.description.length, row.view_set_name).toBeGreaterThan(0);
  });

  it('is only rewritten as a call: in a string, a comment or a qualified name it stays as written', async () => {
    const r = await client.query("SELECT 'list_view_sets()' AS s -- list_partitions()\n");
    expect(r.rows).toEqual([{ s: 'list_view_sets()' }]);
  });
});

describe('materialize_partitions, list_partitions, retire_partitions', () => {
  it('materializes the global log partitions of the hour, with progress NOTICEs before the result', async () => {
    const { result, events } = await withNotices(client, () => client.query(`SELECT * FROM ${MATERIALIZE}`));
    expect(result.fields.map((f) => f.name)).toEqual([
      'view_set_name', 'view_instance_id', 'begin_insert_time', 'end_insert_time', 'min_event_time', 'max_event_time',
      'row_count', 'file_path', 'file_size', 'source_count', 'schema_version', 'created_at',
    ]);
    const rows = result.rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const p of rows) {
      expect(p).toMatchObject({ view_set_name: 'log_entries', view_instance_id: 'global' });
      expect(p.end_insert_time.getTime() - p.begin_insert_time.getTime()).toBe(60_000);
    }
    // every log event of the generator lies in that hour
    expect(rows.reduce((s, p) => s + Number(p.row_count), 0)).toBe(PROCESSES * LOG_EVENTS);
    expect(Math.min(...rows.map((p) => p.min_event_time.getTime()))).toBeGreaterThanOrEqual(START / 1000);
    expect(Math.max(...rows.map((p) => p.max_event_time.getTime()))).toBeLessThan((START + HOUR) / 1000);
    expect(events.at(-1)).toBe('result');
    const plan = events.map((e) => /log_entries\/global: (\d+) partition\(s\), (\d+) to build/.exec(e)).find((m) => m !== null);
    expect(plan?.slice(1).map(Number)).toEqual([rows.length, rows.length]);
    expect(events.filter((e) => e.startsWith('notice: built log_entries/global/')).length).toBe(rows.length);
  });

  it('finds them fresh the second time (nothing to build) and lists them with list_partitions()', async () => {
    const first = await client.query(`SELECT file_path, row_count FROM list_partitions('log_entries', 'global') ORDER BY begin_insert_time`);
    const { result, events } = await withNotices(client, () => client.query(`SELECT file_path, row_count FROM ${MATERIALIZE} ORDER BY begin_insert_time`));
    expect(result.rows).toEqual(first.rows);
    expect(events).toContainEqual(expect.stringMatching(/log_entries\/global: \d+ partition\(s\), 0 to build/));
    expect(events.some((e) => e.includes('built '))).toBe(false);
    const all = await client.query(`SELECT file_path FROM list_partitions() WHERE view_set_name = 'log_entries' AND view_instance_id = 'global' ORDER BY begin_insert_time`);
    expect(all.rows).toEqual(first.rows.map((r) => ({ file_path: r.file_path })));
    // a query over the hour reads those partitions and builds none
    const built = server.sirius.lakehouse.stats().builds;
    const n = await client.query("SELECT count(*)::INTEGER AS n FROM log_entries WHERE time >= '2026-01-01T00:00:00Z' AND time < '2026-01-01T01:00:00Z'");
    expect(n.rows).toEqual([{ n: PROCESSES * LOG_EVENTS }]);
    expect(server.sirius.lakehouse.stats().builds).toBe(built);
  });

  it('works over the extended protocol: Parse/Describe/Bind/Execute, a parameter, NOTICEs', async () => {
    const { result, events } = await withNotices(client, () =>
      client.query({ name: 'admin_materialize', text: `SELECT view_instance_id, row_count, begin_insert_time FROM ${MATERIALIZE} WHERE row_count >= $1 ORDER BY begin_insert_time`, values: [1] }),
    );
    expect(result.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['view_instance_id', Oid.text], ['row_count', Oid.int8], ['begin_insert_time', Oid.timestamptz]]);
    expect(result.rows.reduce((s, p) => s + Number(p.row_count), 0)).toBe(PROCESSES * LOG_EVENTS);
    expect(events[0]).toMatch(/^notice: materialize_partitions: log_entries\/global/);
    expect(events.at(-1)).toBe('result');
    // the named statement runs again, with its function run again
    const again = await client.query({ name: 'admin_materialize', text: `SELECT view_instance_id, row_count, begin_insert_time FROM ${MATERIALIZE} WHERE row_count >= $1 ORDER BY begin_insert_time`, values: [1] });
    expect(again.rows).toEqual(result.rows);
  });

  it('retires the partitions of a view instance, which the next query builds again', async () => {
    const live = await client.query(`SELECT file_path FROM list_partitions('log_entries', 'global') ORDER BY file_path`);
    expect(live.rows.length).toBeGreaterThan(0);
    const { result, events } = await withNotices(client, () => client.query(`SELECT file_path FROM ${RETIRE_ALL} ORDER BY file_path`));
    expect(result.rows).toEqual(live.rows);
    expect(events).toContainEqual(`notice: retired ${live.rows.length} partition(s) of log_entries/global`);
    expect((await client.query(`SELECT * FROM list_partitions('log_entries', 'global')`)).rows).toEqual([]);
    // nothing left to retire
    expect((await client.query(`SELECT * FROM ${RETIRE_ALL}`)).rows).toEqual([]);
    const n = await client.query('SELECT count(*)::INTEGER AS n FROM log_entries');
    expect(n.rows).toEqual([{ n: PROCESSES * LOG_EVENTS }]);
    expect((await client.query(`SELECT count(*)::INTEGER AS n FROM list_partitions('log_entries', 'global')`)).rows[0].n).toBeGreaterThan(0);
  });

  it('retires only the partitions whose insert range overlaps the range given', async () => {
    const live = (await client.query(`SELECT file_path, begin_insert_time, end_insert_time FROM list_partitions('log_entries', 'global') ORDER BY begin_insert_time`)).rows;
    expect(live.length).toBeGreaterThan(0);
    const target = live[Math.floor(live.length / 2)];
    const range = `'${target.begin_insert_time.toISOString()}', '${target.end_insert_time.toISOString()}'`;
    const retired = await client.query(`SELECT file_path FROM retire_partitions('log_entries', 'global', ${range})`);
    expect(retired.rows).toEqual([{ file_path: target.file_path }]);
    const after = await client.query(`SELECT file_path FROM list_partitions('log_entries', 'global') ORDER BY begin_insert_time`);
    expect(after.rows).toEqual(live.filter((p) => p.file_path !== target.file_path).map((p) => ({ file_path: p.file_path })));
    // the next query builds the retired slice again and counts every row
    const n = await client.query('SELECT count(*)::INTEGER AS n FROM log_entries');
    expect(n.rows).toEqual([{ n: PROCESSES * LOG_EVENTS }]);
  });
});

describe('errors', () => {
  it('refuses arguments that are not string literals (22023)', async () => {
    await expectError(client, 'SELECT * FROM list_partitions(1)', '22023', /list_partitions: argument 1 must be a string literal, got "1"/);
    await expectError(client, "SELECT * FROM materialize_partitions('log_entries', now(), '2026-01-02')", '22023', /argument 2 must be a string literal/);
    await expectError(client, "SELECT * FROM materialize_partitions('log_entries')", '22023', /materialize_partitions: expected 3 argument\(s\), got 1/);
    await expectError(client, "SELECT * FROM list_view_sets('x')", '22023', /list_view_sets: expected 0 argument\(s\), got 1/);
  });

  it('names the valid view sets for an unknown one (42P01)', async () => {
    const err = await expectError(client, "SELECT * FROM materialize_partitions('nope', '2026-01-01', '2026-01-02')", '42P01', /view set "nope" does not exist/);
    expect(err.hint).toMatch(/log_entries/);
    await expectError(client, "SELECT * FROM list_partitions('nope')", '42P01', /view set "nope" does not exist/);
  });

  it('refuses bad timestamps (22007), also over the extended protocol', async () => {
    await expectError(client, "SELECT * FROM materialize_partitions('log_entries', 'yesterday-ish', '2026-01-02')", '22007', /invalid input syntax for type timestamp with time zone: "yesterday-ish"/);
    const err = await client.query({ text: "SELECT * FROM retire_partitions('log_entries', 'global', '2026-01-01', 'never') WHERE $1::int = 1", values: [1] }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: '22007' });
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('refuses an instance the view set does not have (22023)', async () => {
    await expectError(client, "SELECT * FROM materialize_partitions('thread_spans', '2026-01-01', '2026-01-02')", '22023', /thread_spans has no global instance/);
    await expectError(client, "SELECT * FROM retire_partitions('log_entries', 'p1', '2026-01-01', '2026-01-02')", '22023', /not a process id/);
  });
});

describe('who may change the lakehouse', () => {
  it('lets admins materialize and retire, others only list (42501)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirius-admin-users-'));
    const file = join(dir, 'users');
    writeFileSync(file, 'carol:pw1:admin\ndave:pw2\n');
    const s = await startTestServer({ usersFile: file, maintenanceIntervalMs: 0 });
    try {
      const dave = await s.client({ user: 'dave', password: 'pw2' });
      try {
        await expectError(dave, `SELECT * FROM ${MATERIALIZE}`, '42501', /permission denied for function materialize_partitions/);
        await expectError(dave, `SELECT * FROM ${RETIRE_ALL}`, '42501', /permission denied for function retire_partitions/);
        expect((await dave.query('SELECT * FROM list_partitions()')).rows).toEqual([]);
        expect((await dave.query('SELECT count(*)::INTEGER AS n FROM list_view_sets()')).rows).toEqual([{ n: 8 }]);
      } finally {
        await dave.end();
      }
      const carol = await s.client({ user: 'carol', password: 'pw1' });
      try {
        expect((await carol.query(`SELECT * FROM ${MATERIALIZE}`)).rows).toEqual([]);
        expect((await carol.query(`SELECT * FROM ${RETIRE_ALL}`)).rows).toEqual([]);
      } finally {
        await carol.end();
      }
    } finally {
      await s.close();
    }
  });
});
