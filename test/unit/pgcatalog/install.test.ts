import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { setUpSession, syncSettings } from '../../../src/pgcatalog/install.js';
import { SessionSettings } from '../../../src/sql/settings.js';
import { DUCK_TYPE_OIDS } from '../../../src/pgcatalog/session-tables.js';
import { pgTypeOf } from '../../../src/pgtypes/mapping.js';

/** The emulation on a real DuckDB instance, without the server. */
let engine: Engine;
const sessions: EngineSession[] = [];

beforeAll(async () => {
  engine = await Engine.create({ memoryLimit: '', threads: 1, timeZone: 'UTC' });
});

afterAll(() => {
  for (const s of sessions) s.close();
  engine?.close();
});

async function open(pid: number, user: string): Promise<EngineSession> {
  const s = await engine.connect();
  sessions.push(s);
  await s.run(`ATTACH ':memory:' AS session_${pid}; USE session_${pid}`);
  await setUpSession(s, `session_${pid}`, null);
  await syncSettings(s, new SessionSettings({ user, timeZone: 'UTC', serverVersion: '15.0', serverVersionNum: '150000' }), pid);
  return s;
}

async function rows(s: EngineSession, sql: string): Promise<unknown[][]> {
  const stream = await s.query(sql);
  const out: unknown[][] = [];
  for (let c = await stream.next(); c; c = await stream.next()) out.push(...c.getRows());
  return out;
}

describe('setUpSession', () => {
  it('installs the catalog once when sessions open at the same time, and each sees its own settings', async () => {
    const [a, b] = await Promise.all([open(1, 'alice'), open(2, 'bob')]);
    const q = "SELECT current_user, pg_backend_pid(), (SELECT count(*) FROM duckdb_databases() WHERE database_name = 'sirius_pg')";
    expect(await rows(a, q)).toEqual([['alice', 1, 1n]]);
    expect(await rows(b, q)).toEqual([['bob', 2, 1n]]);
  });

  it('puts the emulation after the session schema: tables the session creates go to its own catalog', async () => {
    const s = await open(3, 'carol');
    await s.run('CREATE TABLE mine (x INTEGER)');
    expect(await rows(s, "SELECT database_name FROM duckdb_tables() WHERE table_name = 'mine'")).toEqual([['session_3']]);
    expect(await rows(s, "SELECT relname FROM pg_class WHERE relname = 'pg_type'")).toEqual([['pg_type']]);
  });
});

describe('session tables in the catalog', () => {
  it('lists a table the session creates, with columns numbered from 1 and PostgreSQL types', async () => {
    const s = await open(4, 'dave');
    await s.run('CREATE TABLE t (id INTEGER NOT NULL, amount DECIMAL(10,2), tags VARCHAR[])');
    expect(await rows(s, "SELECT relkind, relnamespace FROM pg_class WHERE relname = 't'")).toEqual([['r', 2200]]);
    expect(await rows(s, "SELECT attnum, attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 't' ORDER BY attnum"))
      .toEqual([[1, 'id', 'integer', true], [2, 'amount', 'numeric(10,2)', false], [3, 'tags', 'text[]', false]]);
    const other = await open(5, 'erin');
    expect(await rows(other, "SELECT count(*) FROM pg_class WHERE relname = 't'")).toEqual([[0n]]);
  });

  it('maps DuckDB column types to the OIDs src/pgtypes sends them as', async () => {
    const s = sessions[0];
    for (const [duck, oid] of Object.entries(DUCK_TYPE_OIDS)) {
      const type = duck === 'DECIMAL' ? 'DECIMAL(10,2)' : duck;
      const stmt = await s.prepare(`SELECT CAST(NULL AS ${type})`);
      try {
        expect(pgTypeOf(stmt.columnType(0)).oid, duck).toBe(oid);
      } finally {
        stmt.destroySync();
      }
    }
  });
});
