import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';
import { INFORMATION_SCHEMA_COLUMNS } from '../../src/pgcatalog/info-columns.js';
import { PG_CATALOG_COLUMNS } from '../../src/pgcatalog/pg-columns.js';
import { ASYNCPG, DRIVERS, GRAFANA, METABASE } from './client-queries.js';
import { capturedStatements, outcome, psqlMetaQueries, TABLE_T, type Outcome } from './fixtures.js';

/**
 * Every statement that psql, pgjdbc (as Metabase drives it), psycopg, asyncpg and node-postgres
 * sent to PostgreSQL 15 in ../shared/compat runs on Sirius as on PostgreSQL: an error where
 * PostgreSQL errs, otherwise the same column names and column type families.
 */
let server: TestServer;
const clients: Record<'postgres' | 'sirius', pg.Client> = {} as never;

beforeAll(async () => {
  server = await startTestServer();
  clients.postgres = new pg.Client(referencePg);
  clients.sirius = new pg.Client(server.pgConfig());
  for (const [name, c] of Object.entries(clients)) {
    await c.connect();
    // on Sirius a table of the session's own catalog, which pg_class lists as PostgreSQL lists its temporary t
    for (const sql of TABLE_T) await c.query(name === 'sirius' ? sql.replace('CREATE TEMP TABLE', 'CREATE TABLE') : sql);
  }
});

afterAll(async () => {
  for (const c of Object.values(clients)) await c?.end();
  await server?.close();
});

async function compare(sql: string, params?: unknown[]): Promise<{ postgres: Outcome; sirius: Outcome }> {
  const pgOut = await outcome(clients.postgres, sql, params);
  const siriusOut = await outcome(clients.sirius, sql, params);
  for (const c of Object.values(clients)) if (pgOut.error || siriusOut.error) await c.query('ROLLBACK');
  if (pgOut.error) {
    expect(siriusOut.error, `PostgreSQL fails with ${pgOut.error}`).toBe(pgOut.error);
  } else {
    expect(siriusOut.error).toBeUndefined();
    const columns = (o: Outcome): string[] => o.names!.map((n, i) => `${n}: ${o.families![i]}`);
    expect(columns(siriusOut)).toEqual(columns(pgOut));
  }
  return { postgres: pgOut, sirius: siriusOut };
}

describe('captured_sql.json', () => {
  const statements = capturedStatements();
  it('has the captured session', () => expect(statements.length).toBeGreaterThan(40));
  it.each(statements.map((s, i) => [i, s]))('statement %i runs like on PostgreSQL', async (_i, sql) => {
    await compare(sql as string);
  });
});

describe('psql_meta_commands.txt', () => {
  const queries = psqlMetaQueries();
  it('has the 14 queries of \\dt \\dn \\l \\dv \\df \\d', () => expect(queries.length).toBe(14));
  it.each(queries.map((q, i) => [i, q]))('query %i runs like on PostgreSQL', async (_i, sql) => {
    await compare(sql as string);
  });
});

describe.each([
  ['Grafana', GRAFANA],
  ['drivers', DRIVERS],
  ['Metabase', METABASE],
])('%s catalog SQL from its source', (_client, queries) => {
  it.each(queries.map((q, i) => [i, q]))('query %i runs like on PostgreSQL', async (_i, sql) => {
    await compare(sql as string);
  });
});

describe('asyncpg type introspection', () => {
  it.each(ASYNCPG.map((q, i) => [i, q]))('query %i runs like on PostgreSQL, with the same rows', async (_i, q) => {
    const { sql, params } = q as (typeof ASYNCPG)[number];
    const out = await compare(sql, params);
    expect(out.sirius.rows).toBe(out.postgres.rows);
  });
});

describe('the emulated relations', () => {
  const relations = [
    ...Object.keys(PG_CATALOG_COLUMNS).map((r) => `pg_catalog.${r}`),
    ...Object.keys(INFORMATION_SCHEMA_COLUMNS).map((r) => `information_schema.${r}`),
  ];
  it.each(relations)('%s has the columns of PostgreSQL 15', async (relation) => {
    await compare(`SELECT * FROM ${relation} LIMIT 0`);
  });
});

describe('catalog functions', () => {
  const calls = [
    'format_type(23, -1)', 'format_type(1700, 655366)', 'format_type(1043, 14)', 'format_type(1184, -1)', 'format_type(1009, -1)',
    'format_type(1231, 655366)', 'format_type(NULL, -1)', "quote_ident('a b')", "quote_ident('select')", "quote_ident('ab')",
    "quote_ident('Ab')", 'parse_ident(\'public."X y"\')', "to_regtype('integer')::oid", "to_regtype('no_such_type')",
    "to_regtype('int4[]')::oid", "to_regtype('integer[]')::oid", "to_regtype('pg_catalog.uuid')::oid", "'pg_class'::regclass::oid",
    'pg_encoding_to_char(6)', 'array_upper(ARRAY[1, 2, 3], 1)', 'array_lower(ARRAY[1], 1)', 'array_upper(ARRAY[]::int[], 1)',
    'current_schemas(false)', 'current_schema()', "current_setting('DateStyle')", "current_setting('nope.x', true)",
    'pg_table_is_visible(1259)', "has_table_privilege('pg_class', 'select')", "(SELECT typname FROM pg_type WHERE oid = 1184)",
    "(SELECT typarray FROM pg_type WHERE oid = 2950)", "(SELECT typinput FROM pg_type WHERE oid = 1009)",
    '(SELECT typelem::regtype::text FROM pg_type WHERE oid = 23)', '(SELECT typelem::regtype::text FROM pg_type WHERE oid = 1007)',
    "(SELECT oid::regclass::text FROM pg_class WHERE relname = 'pg_type')",
    '(SELECT array_agg(rngtypid::text || \':\' || rngsubtype || \':\' || rngmultitypid ORDER BY rngtypid) FROM pg_range)',
  ];
  // the text on the wire; current_schemas(true) is left out: the PostgreSQL session has a pg_temp schema (table t)
  const asText = { getTypeParser: () => (v: string) => v };
  it.each(calls)('%s returns what PostgreSQL returns', async (call) => {
    const values = await Promise.all(Object.values(clients).map(async (c) => (await c.query({ text: `SELECT ${call}`, rowMode: 'array', types: asText })).rows));
    expect(values[1]).toEqual(values[0]);
  });
});

describe('reg* casts of unknown names', () => {
  it.each(["SELECT 'no_such_type'::regtype", "SELECT 'no_such_relation'::regclass", "SELECT 'no_such_schema'::regnamespace"])(
    '%s fails like PostgreSQL',
    async (sql) => {
      const out = await compare(sql);
      expect(out.postgres.error).toBeDefined();
    },
  );
});

describe('pool reset and session statements', () => {
  const statements = [
    'DISCARD ALL', 'DEALLOCATE ALL', 'CLOSE ALL', 'UNLISTEN *', 'LISTEN sirius_channel', 'UNLISTEN sirius_channel', 'RESET ALL',
    'SET search_path TO public', 'SHOW search_path', 'RESET search_path', "SELECT set_config('statement_timeout', '5s', false)",
    'SHOW statement_timeout', 'DISCARD PLANS', 'DISCARD TEMP', 'SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;',
  ];
  it.each(statements)('%s answers like PostgreSQL', async (sql) => {
    const tags = await Promise.all(Object.values(clients).map(async (c) => {
      const r = await c.query(sql);
      return (Array.isArray(r) ? r : [r]).map((x: pg.QueryResult) => x.command);
    }));
    expect(tags[1]).toEqual(tags[0]);
    await compare(sql);
  });
});

describe('session state in the catalog', () => {
  it('current_setting, set_config, pg_settings and pg_backend_pid are per session', async () => {
    const other = await server.client({ application_name: 'other' });
    try {
      await clients.sirius.query("SET application_name = 'first'");
      const q = "SELECT current_setting('application_name') AS a, (SELECT setting FROM pg_settings WHERE name = 'application_name') AS s, pg_backend_pid() AS pid";
      const [mine, theirs] = [(await clients.sirius.query(q)).rows[0], (await other.query(q)).rows[0]];
      expect([mine.a, mine.s]).toEqual(['first', 'first']);
      expect([theirs.a, theirs.s]).toEqual(['other', 'other']);
      expect(mine.pid).not.toBe(theirs.pid);
      expect((await other.query("SELECT set_config('application_name', 'changed', false) AS v")).rows).toEqual([{ v: 'changed' }]);
      expect((await other.query('SHOW application_name')).rows).toEqual([{ application_name: 'changed' }]);
      expect((await clients.sirius.query("SELECT current_setting('application_name') AS a")).rows).toEqual([{ a: 'first' }]);
      await expect(other.query("SELECT current_setting('no_such_setting')")).rejects.toThrow('unrecognized configuration parameter "no_such_setting"');
    } finally {
      await other.end();
    }
  });
});

describe('the telemetry views in the catalog', () => {
  it('are listed in schema public by \\dv', async () => {
    const dv = psqlMetaQueries().find((q) => q.includes("relkind IN ('v',''"))!;
    const r = await clients.sirius.query(dv);
    const names = r.rows.map((row) => `${row.Schema}.${row.Name}`);
    expect(names).toEqual(expect.arrayContaining(['public.log_entries', 'public.measures', 'public.processes', 'public.streams', 'public.blocks', 'public.log_stats']));
  });
});
