import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * search_path reaches DuckDB: unqualified names resolve (and are created) through the session's path,
 * however it changes. Where PostgreSQL 15 and Sirius should agree, the same steps run on both.
 */
let server: TestServer;
/** Unique per run: PostgreSQL's schemas and public tables outlive the test otherwise. */
const tag = `sp_${randomBytes(4).toString('hex')}`;
const s1 = `${tag}_s1`;
const s2 = `${tag}_s2`;
const mixed = `${tag.toUpperCase()}_Mixed`;
const pub = `${tag}_pub`;

/** Text-mode results, as they crossed the wire. */
const rawTypes = { getTypeParser: () => (v: string) => v };

type Step = { rows: unknown[][] } | { error: string | undefined };

async function run(c: pg.Client, sql: string, values?: unknown[], name?: string): Promise<Step> {
  try {
    const r = await c.query({ text: sql, values, name, rowMode: 'array' });
    return { rows: r.rows };
  } catch (e) {
    return { error: (e as pg.DatabaseError).code };
  }
}

/** Runs the steps in order on a fresh connection to each server; the results of both. */
async function onBoth(steps: string[], extra: pg.ClientConfig = {}): Promise<{ postgres: Step[]; sirius: Step[] }> {
  const out = { postgres: [] as Step[], sirius: [] as Step[] };
  for (const target of ['postgres', 'sirius'] as const) {
    const c = new pg.Client(target === 'postgres' ? { ...referencePg, ...extra, types: rawTypes } : server.pgConfig({ ...extra, types: rawTypes }));
    await c.connect();
    try {
      for (const sql of steps) out[target].push(await run(c, sql));
    } finally {
      await c.end();
    }
  }
  return out;
}

/** Schemas s1 (t.a = 1), s2 (t.a = 2), "MIXED" (t.a = 3) and a table in public, on the connection. */
const SETUP = [
  `CREATE SCHEMA ${s1}`, `CREATE TABLE ${s1}.t (a INTEGER)`, `INSERT INTO ${s1}.t VALUES (1)`,
  `CREATE SCHEMA ${s2}`, `CREATE TABLE ${s2}.t (a INTEGER)`, `INSERT INTO ${s2}.t VALUES (2)`,
  `CREATE SCHEMA "${mixed}"`, `CREATE TABLE "${mixed}".t (a INTEGER)`, `INSERT INTO "${mixed}".t VALUES (3)`,
  `CREATE TABLE ${pub} (b INTEGER)`, `INSERT INTO ${pub} VALUES (9)`,
];
const TEARDOWN = [`DROP SCHEMA IF EXISTS ${s1} CASCADE`, `DROP SCHEMA IF EXISTS ${s2} CASCADE`, `DROP SCHEMA IF EXISTS "${mixed}" CASCADE`, `DROP TABLE IF EXISTS ${pub}`];

const SCHEMAS = "SELECT current_schema(), array_to_string(current_schemas(false), ','), array_to_string(current_schemas(true), ',')";

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  const c = new pg.Client(referencePg);
  await c.connect();
  try {
    for (const sql of TEARDOWN) await c.query(sql);
  } finally {
    await c.end();
  }
  await server?.close();
});

/** The same steps after SETUP (and TEARDOWN on PostgreSQL), compared; Sirius's results returned. */
async function agree(steps: string[], extra: pg.ClientConfig = {}): Promise<Step[]> {
  const r = await onBoth([...TEARDOWN, ...SETUP, ...steps, ...TEARDOWN], extra);
  expect(r.sirius).toEqual(r.postgres);
  return r.sirius.slice(TEARDOWN.length + SETUP.length, TEARDOWN.length + SETUP.length + steps.length);
}

describe('search_path, the same on PostgreSQL 15 and Sirius', () => {
  it('resolves and creates unqualified names in the first listed schema; public is found when listed', async () => {
    const r = await agree([
      `SET search_path TO ${s2}, public`, 'SELECT a FROM t', `SELECT b FROM ${pub}`,
      'CREATE TABLE made (x INTEGER)', `SELECT count(*) FROM ${s2}.made`, SCHEMAS, 'SHOW search_path',
      `SET search_path TO ${s1}`, 'SELECT a FROM t', 'SELECT count(*) FROM made',
    ]);
    expect(r[1]).toEqual({ rows: [['2']] });
    expect(r[5]).toEqual({ rows: [[s2, `${s2},public`, `pg_catalog,${s2},public`]] });
    expect(r[8]).toEqual({ rows: [['1']] });
    expect(r[9]).toEqual({ error: '42P01' });
  });

  it('accepts schemas that do not exist, and quoted names keep their case', async () => {
    const r = await agree([
      `SET search_path = ${tag}_nope, "${mixed}", public`, 'SHOW search_path', 'SELECT a FROM t', SCHEMAS,
      `SET search_path = "$user", ${tag}_nope`, SCHEMAS, `SELECT count(*) > 0 FROM pg_type`,
      "SET search_path = ''", 'SHOW search_path', SCHEMAS,
      `SET search_path = public, pg_catalog`, SCHEMAS,
    ]);
    expect(r[2]).toEqual({ rows: [['3']] });
    expect(r[3]).toEqual({ rows: [[mixed, `${mixed},public`, `pg_catalog,${mixed},public`]] });
    expect(r[5]).toEqual({ rows: [[null, '', 'pg_catalog']] });
  });

  it('RESET, SET SCHEMA and set_config change it too', async () => {
    const r = await agree([
      `SET SCHEMA '${s1}'`, 'SELECT a FROM t', 'RESET search_path', 'SHOW search_path', 'SELECT a FROM t', `SELECT b FROM ${pub}`,
      `SELECT set_config('search_path', '${s2}', false)`, 'SELECT a FROM t', SCHEMAS,
      `SET search_path = DEFAULT`, SCHEMAS,
      `SELECT set_config('search_path', '"unclosed', false)`, 'SELECT 1',
    ]);
    expect(r[1]).toEqual({ rows: [['1']] });
    expect(r[4]).toEqual({ error: '42P01' });
    expect(r[7]).toEqual({ rows: [['2']] });
    expect(r[11]).toEqual({ error: '22023' });
  });

  it('SET LOCAL lasts until COMMIT or ROLLBACK; a SET in a rolled back transaction is undone', async () => {
    const r = await agree([
      `SET search_path TO ${s1}`,
      'BEGIN', `SET LOCAL search_path TO ${s2}`, 'SELECT a FROM t', 'COMMIT', 'SELECT a FROM t',
      'BEGIN', `SET LOCAL search_path TO ${s2}`, 'SELECT a FROM t', 'ROLLBACK', 'SELECT a FROM t',
      'BEGIN', `SET search_path TO ${s2}`, 'SELECT a FROM t', 'ROLLBACK', 'SELECT a FROM t', 'SHOW search_path',
      'BEGIN', `SELECT set_config('search_path', '${s2}', true)`, 'SELECT a FROM t', 'COMMIT', 'SELECT a FROM t',
    ]);
    expect(r.filter((s) => 'rows' in s && s.rows[0]?.length === 1 && /^\d$/.test(String(s.rows[0][0]))).map((s) => (s as { rows: unknown[][] }).rows[0][0]))
      .toEqual(['2', '1', '2', '1', '2', '1', '2', '1']);
  });

  it('a statement prepared before SET search_path resolves its names on the new path', async () => {
    // the unnamed statement: Sirius's statement cache prepares it again on the new path
    const r = await preparedRounds(undefined);
    expect(r.sirius).toEqual(r.postgres);
    expect(r.sirius).toEqual(['1', '2', '1']);
    // a named one with parameters: DuckDB binds it again at each execution
    const named = await preparedRounds('sp_named');
    expect(named.sirius).toEqual(named.postgres);
  });

  // DuckDB does not bind a statement without parameters again by itself: server/execute.ts prepares it again
  // when the engine generation moved on, as PostgreSQL re-plans on a search_path change
  it('a named statement without parameters prepared before SET search_path resolves its names on the new path', async () => {
    const plain = await preparedRounds('sp_plain', 'SELECT a + 0 FROM t');
    expect(plain.sirius).toEqual(plain.postgres);
  });
});

/** `SELECT a FROM t` on the paths s1, s2, s1, prepared (with that name) at the first round. */
async function preparedRounds(name: string | undefined, sql = 'SELECT a FROM t WHERE $1::int = 1'): Promise<{ postgres: unknown[]; sirius: unknown[] }> {
  const out = { postgres: [] as unknown[], sirius: [] as unknown[] };
  for (const target of ['postgres', 'sirius'] as const) {
    const c = new pg.Client(target === 'postgres' ? { ...referencePg, types: rawTypes } : server.pgConfig({ types: rawTypes }));
    await c.connect();
    try {
      for (const sql of [...TEARDOWN, ...SETUP]) await c.query(sql);
      for (const path of [s1, s2, s1]) {
        await c.query(`SET search_path TO ${path}`);
        const step = await run(c, sql, sql.includes('$1') ? [1] : [], name);
        out[target].push('rows' in step ? step.rows[0][0] : step.error);
      }
      for (const sql of TEARDOWN) await c.query(sql);
    } finally {
      await c.end();
    }
  }
  return out;
}

describe('search_path in Sirius', () => {
  it('comes from the startup options', async () => {
    const c = await server.client({ options: `-c search_path=${tag}_later,public` });
    try {
      expect((await c.query('SHOW search_path')).rows).toEqual([{ search_path: `${tag}_later,public` }]);
      expect((await c.query('SELECT current_schema() AS s')).rows).toEqual([{ s: 'public' }]);
      await c.query(`CREATE SCHEMA ${tag}_later`);
      // a schema created after the SET joins the DuckDB path at the next session command (docs/compatibility.md)
      await c.query("SET application_name = 'sp'");
      expect((await c.query('SELECT current_schema() AS s')).rows).toEqual([{ s: `${tag}_later` }]);
      await c.query('CREATE TABLE made_later (x INTEGER)');
      expect((await c.query(`SELECT count(*)::int AS n FROM ${tag}_later.made_later`)).rows).toEqual([{ n: 0 }]);
      await c.query(`DROP SCHEMA ${tag}_later CASCADE`);
      await c.query('BEGIN');
      await c.query('COMMIT');
      await c.query('CREATE TABLE made_public (x INTEGER)');
      expect((await c.query('SELECT count(*)::int AS n FROM public.made_public')).rows).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
    }
  });

  it('resolves DuckDB types through the path (peer test create_type_struct)', async () => {
    const c = await server.client();
    try {
      await c.query('CREATE SCHEMA app2');
      await c.query('SET search_path TO app2');
      await c.query('CREATE TYPE app2.item AS STRUCT(code INT)');
      await c.query('CREATE TYPE app2.product AS STRUCT(id uuid, items item[])');
      await c.query('CREATE TABLE shop (p product)');
      expect((await c.query('SELECT count(*)::int AS n FROM app2.shop')).rows).toEqual([{ n: 0 }]);
      // the pg_catalog emulation stays on the path
      expect((await c.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pg_catalog'")).rows).toEqual([{ n: 1 }]);
      expect((await c.query('SELECT current_database() AS d')).rows).toEqual([{ d: 'sirius' }]);
    } finally {
      await c.end();
    }
  });

  // DuckDB searches its default catalog's main (public) after the listed schemas, whatever its search_path
  it('keeps the telemetry views and the tables of public on a path without public', async () => {
    const c = await server.client();
    try {
      await c.query('CREATE TABLE before_set (x INTEGER)');
      await c.query('CREATE SCHEMA other');
      await c.query('SET search_path TO other, public');
      expect((await c.query('SELECT count(*)::int AS n FROM before_set')).rows).toEqual([{ n: 0 }]);
      expect((await c.query('SELECT count(*)::int >= 0 AS ok FROM log_entries')).rows).toEqual([{ ok: true }]);
      await c.query('SET search_path TO other');
      expect((await c.query('SELECT count(*)::int AS n FROM before_set')).rows).toEqual([{ n: 0 }]);
      expect((await c.query('SELECT count(*)::int AS n FROM public.before_set')).rows).toEqual([{ n: 0 }]);
      expect((await c.query('SELECT count(*)::int >= 0 AS ok FROM log_entries')).rows).toEqual([{ ok: true }]);
    } finally {
      await c.end();
    }
  });
});
