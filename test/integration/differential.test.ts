import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, type BackendMsg } from '../helpers/raw-client.js';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * The same client behaviour against PostgreSQL 15 and against Sirius, where
 * the two should agree: text forms, type OIDs, error codes, transaction
 * states and the message flow of the extended protocol.
 */
let server: TestServer;
const targets: Record<'postgres' | 'sirius', pg.Client> = {} as never;

/** Text-mode results, exactly as they crossed the wire. */
const rawTypes = { getTypeParser: () => (v: string) => v };

beforeAll(async () => {
  server = await startTestServer();
  targets.postgres = new pg.Client({ ...referencePg, types: rawTypes });
  targets.sirius = new pg.Client(server.pgConfig({ types: rawTypes }));
  for (const c of Object.values(targets)) {
    await c.connect();
    await c.query("SET TimeZone = 'UTC'");
  }
});

afterAll(async () => {
  for (const c of Object.values(targets)) await c?.end();
  await server?.close();
});

async function both(sql: string): Promise<{ postgres: unknown; sirius: unknown }> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(targets)) {
    try {
      const r = await c.query({ text: sql, rowMode: 'array' });
      out[name] = { rows: r.rows, types: r.fields.map((f) => f.dataTypeID), command: r.command, rowCount: r.rowCount };
    } catch (e) {
      out[name] = { error: (e as pg.DatabaseError).code };
    }
  }
  return out as { postgres: unknown; sirius: unknown };
}

// Each statement is valid in both dialects and means the same thing in both.
const SAME_RESULT = [
  "SELECT 1::int4 AS a, 'x'::text AS b, true AS c, false AS d, NULL::int4 AS e",
  'SELECT 32767::int2, 2147483647::int4, 9223372036854775807::int8',
  "SELECT 1.5::float8, -0.25::float8, 1e100::float8, 1.5e-7::float8, 123456789012345678::float8, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8",
  'SELECT 0.1::float4, 3.14159::float4, 1e10::float4',
  'SELECT 1.50::numeric(5,2), -0.001::numeric(10,3), 123456789.123456789::numeric(18,9)',
  "SELECT '2026-01-02'::date, '1999-12-31'::date",
  "SELECT '04:05:06.789'::time, '00:00:00'::time",
  "SELECT '2026-01-02 03:04:05.5'::timestamp, '2026-01-02 03:04:05'::timestamp",
  "SELECT '2026-01-02 03:04:05.123456+00'::timestamptz, '1999-12-31 23:59:59+05:30'::timestamptz",
  "SELECT '1 year 2 months 3 days 04:05:06.5'::interval, '-1 days'::interval, '0'::interval, '1 month'::interval, '-04:05:06'::interval",
  "SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
  "SELECT ARRAY[1, 2, NULL]::int4[], ARRAY['a', 'b c', '', NULL, 'NULL', 'q\"x']::text[]",
  'SELECT ARRAY[[1, 2], [3, 4]]::int4[][]',
  "SELECT 'héllo wörld ✓'::text",
  'SELECT count(*) FROM generate_series(1, 100) AS t(i) WHERE i % 3 = 0',
  'SELECT i::int4, (i * 2)::int4 AS double FROM generate_series(1, 5) AS t(i) ORDER BY i DESC',
  'SELECT 7 % 3, -7 % 3',
  "SELECT upper('abc'), lower('ABC'), substr('hello', 2, 3), replace('aXbX', 'X', '-'), 'a' || 'b'",
  "SELECT coalesce(NULL, 'z'), nullif(1, 1), greatest(1, 5, 3), least(4, 2)",
  'SELECT 1 WHERE false',
];

const SAME_ERROR = [
  'SELECT * FROM no_such_table_anywhere',
  'SELECT no_such_column FROM (SELECT 1 AS a) t',
  'SELECT no_such_function(1)',
  'SELEC 1',
  "SELECT 'abc'::int4",
  "SELECT '2026-13-45'::date",
];

describe('differential: PostgreSQL 15 vs Sirius', () => {
  it.each(SAME_RESULT)('same rows, types and tag: %s', async (sql) => {
    const r = await both(sql);
    expect(r.sirius).toEqual(r.postgres);
  });

  it.each(SAME_ERROR)('same SQLSTATE: %s', async (sql) => {
    const r = await both(sql);
    expect(r.postgres).toHaveProperty('error');
    expect(r.sirius).toEqual(r.postgres);
  });

  it('same transaction behaviour: failed block, 25P02, COMMIT answers ROLLBACK', async () => {
    const script = ['BEGIN', 'SELECT 1', 'SELECT * FROM missing_xyz', 'SELECT 1', 'COMMIT', 'SELECT 2', 'COMMIT', 'ROLLBACK'];
    const results: Record<string, unknown[]> = { postgres: [], sirius: [] };
    for (const sql of script) {
      const r = await both(sql);
      results.postgres.push(r.postgres);
      results.sirius.push(r.sirius);
    }
    expect(results.sirius).toEqual(results.postgres);
  });

  it('same SET/SHOW/RESET behaviour for common parameters', async () => {
    const script = [
      "SET application_name = 'diff'", 'SHOW application_name', 'RESET application_name', 'SHOW application_name',
      "SET statement_timeout = '5s'", 'SHOW statement_timeout', 'SET statement_timeout = 0', 'SHOW statement_timeout',
      'SHOW standard_conforming_strings', 'SHOW DateStyle', 'SHOW IntervalStyle', 'SHOW integer_datetimes',
      "SET search_path TO public", 'SHOW search_path', 'SET extra_float_digits = 3', 'SHOW extra_float_digits',
      'SET no_such_parameter = 1', 'SHOW client_encoding', 'SET myapp.flag = on', 'SHOW myapp.flag',
      'BEGIN', "SET LOCAL application_name = 'inner'", 'SHOW application_name', 'COMMIT', 'SHOW application_name',
    ];
    for (const sql of script) {
      const r = await both(sql);
      expect(r.sirius, sql).toEqual(r.postgres);
    }
  });
});

describe('differential: extended-protocol message flow', () => {
  const flows: [string, () => Buffer[]][] = [
    ['maxRows and PortalSuspended', () => [serialize.parse({ text: 'SELECT i FROM generate_series(1, 5) AS t(i)' }), serialize.bind({}), serialize.execute({ rows: 2 }), serialize.execute({ rows: 0 }), serialize.sync()]],
    ['describe statement with parameters', () => [serialize.parse({ name: 'dp', text: 'SELECT $1::int4 + 1 AS x', types: [0] }), serialize.describe({ type: 'S', name: 'dp' }), serialize.sync()]],
    ['error skips to Sync', () => [serialize.parse({ text: 'SELECT * FROM missing_flow' }), serialize.bind({}), serialize.execute({}), serialize.sync(), serialize.query('SELECT 1')]],
    ['empty statement', () => [serialize.parse({ text: '' }), serialize.bind({}), serialize.describe({ type: 'P', name: '' }), serialize.execute({}), serialize.sync()]],
    ['close of unknown names', () => [serialize.close({ type: 'S', name: 'nothing' }), serialize.close({ type: 'P', name: 'nothing' }), serialize.sync()]],
    ['unknown portal', () => [serialize.execute({ portal: 'ghost' }), serialize.sync()]],
  ];

  const summary = (msgs: BackendMsg[]): unknown[] =>
    msgs
      .filter((m) => m.name !== 'parameterStatus')
      .map((m) => (m.name === 'error' ? `error ${m.code}` : m.name === 'commandComplete' ? `complete ${m.text}` : m.name === 'dataRow' ? `row ${(m.fields as string[]).join(',')}` : m.name));

  it.each(flows)('%s', async (_name, build) => {
    const sirius = await RawClient.ready(server.port);
    const postgres = await RawClient.open(5432);
    postgres.send(serialize.startup({ user: 'postgres', database: 'test' }));
    await postgres.until('readyForQuery');
    postgres.received.length = 0;
    const out: unknown[][] = [];
    for (const c of [postgres, sirius]) {
      c.send(...build());
      const syncs = build().filter((b) => b[0] === 0x53 || b[0] === 0x51).length;
      const msgs: BackendMsg[] = [];
      for (let i = 0; i < syncs; i++) msgs.push(...(await c.until('readyForQuery')));
      out.push(summary(msgs));
      c.close();
    }
    expect(out[1]).toEqual(out[0]);
  });
});
