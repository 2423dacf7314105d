import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * SQL-level statements drivers send (PREPARE/EXECUTE/DEALLOCATE, DISCARD ALL, bytea literals), run as
 * one script on PostgreSQL 15 and on Sirius: each step's rows or SQLSTATE must be the same.
 */
let server: TestServer;
let onPg: pg.Client;
let onSirius: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  onPg = new pg.Client(referencePg);
  onSirius = new pg.Client(server.pgConfig());
  await onPg.connect();
  await onSirius.connect();
});

afterAll(async () => {
  await onPg?.end();
  await onSirius?.end();
  await server?.close();
});

type Step = { rows: unknown[][]; command: string } | { error: string };

async function step(c: pg.Client, sql: string, values?: unknown[]): Promise<Step> {
  try {
    const r = await c.query({ text: sql, values, rowMode: 'array' });
    return { rows: r.rows, command: r.command };
  } catch (err) {
    return { error: String((err as { code?: string }).code) };
  }
}

/** Runs the script on both; returns PostgreSQL's steps (after asserting Sirius gives the same). */
async function same(script: (string | [string, unknown[]])[]): Promise<Step[]> {
  const run = async (c: pg.Client): Promise<Step[]> => {
    const out: Step[] = [];
    for (const s of script) {
      const [sql, values] = typeof s === 'string' ? [s, undefined] : s;
      const r = await step(c, sql, values);
      // Sirius tags EXECUTE as "EXECUTE", PostgreSQL with the prepared statement's own tag (docs/compatibility.md)
      out.push('command' in r && /^\s*execute\b/i.test(sql) ? { ...r, command: 'EXECUTE' } : r);
    }
    return out;
  };
  const expected = await run(onPg);
  expect(await run(onSirius)).toEqual(expected);
  return expected;
}

describe('PREPARE / EXECUTE / DEALLOCATE', () => {
  it('PREPARE with a type list casts the parameters; EXECUTE passes arguments', async () => {
    const steps = await same(['PREPARE twice(int) AS SELECT $1 * 2', 'EXECUTE twice(21)', "EXECUTE twice('5')", 'DEALLOCATE twice', 'EXECUTE twice(1)']);
    expect(steps[1]).toEqual({ rows: [[42]], command: 'EXECUTE' });
    expect(steps[4]).toEqual({ error: '26000' });
  });

  it('several declared types', async () => {
    await same(["PREPARE two(text, int8, double precision) AS SELECT $1 || '!', $2 + 1, $3 / 2", "EXECUTE two('a', 41, 3)", 'DEALLOCATE PREPARE two']);
  });

  it('DEALLOCATE ALL and DISCARD ALL drop SQL-level prepared statements', async () => {
    const steps = await same([
      'PREPARE by_sql AS SELECT 2', 'EXECUTE by_sql', 'DEALLOCATE ALL', 'EXECUTE by_sql',
      'PREPARE by_sql AS SELECT 3', 'EXECUTE by_sql', 'DISCARD ALL', 'EXECUTE by_sql',
    ]);
    expect(steps[3]).toEqual({ error: '26000' });
    expect(steps[5]).toEqual({ rows: [[3]], command: 'EXECUTE' });
    expect(steps[7]).toEqual({ error: '26000' });
  });

  it('a name prepared twice is 42P05; DEALLOCATE of an unknown name is 26000', async () => {
    const steps = await same(['PREPARE dup AS SELECT 1', 'PREPARE dup AS SELECT 2', 'EXECUTE dup', 'DEALLOCATE nothing_here', 'DEALLOCATE dup']);
    expect(steps[1]).toEqual({ error: '42P05' });
    expect(steps[3]).toEqual({ error: '26000' });
  });
});

describe('bytea literals in hex format', () => {
  it('::bytea, CAST(… AS bytea), bytea \'…\' and E-strings give the bytes PostgreSQL gives', async () => {
    const steps = await same([
      "SELECT '\\xdeadbeef'::bytea, CAST('\\x00FF' AS bytea), bytea '\\x', '\\xde ad'::pg_catalog.bytea, E'\\\\x0a'::bytea",
      "SELECT octet_length('\\xdeadbeef'::bytea)::int, '\\xdeadbeef'::bytea = '\\xDEADBEEF'::bytea",
    ]);
    expect(steps[0]).toEqual({ rows: [[Buffer.from('deadbeef', 'hex'), Buffer.from('00ff', 'hex'), Buffer.alloc(0), Buffer.from('dead', 'hex'), Buffer.from([10])]], command: 'SELECT' });
  });

  it('a bytea parameter in text format round-trips', async () => {
    await same([["SELECT $1::bytea, octet_length($1::bytea)::int", ['\\xdeadbeef']], ['SELECT $1::bytea', [Buffer.from('00ff10', 'hex')]]]);
  });
});

describe('SQL cursors: DECLARE / FETCH / MOVE / CLOSE', () => {
  it('fetches forward in steps, MOVE skips, FETCH ALL takes the rest, CLOSE ends it', async () => {
    const steps = await same([
      'BEGIN',
      'DECLARE "big" NO SCROLL CURSOR WITHOUT HOLD FOR SELECT i::int AS i, (i * 2)::int AS d FROM generate_series(1, 20) AS s(i) ORDER BY i',
      'FETCH FORWARD 7 FROM "big"', 'FETCH big', 'MOVE 3 IN big', 'FETCH NEXT FROM big', 'FETCH ALL FROM big', 'FETCH 5 FROM big',
      'CLOSE big', 'FETCH big', 'ROLLBACK',
    ]);
    expect(steps[2]).toEqual({ rows: [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10], [6, 12], [7, 14]], command: 'FETCH' });
    expect(steps[7]).toEqual({ rows: [], command: 'FETCH' });
    expect(steps[9]).toEqual({ error: '34000' });
  });

  it('outside a transaction block, twice, and after COMMIT: PostgreSQL\'s errors', async () => {
    const steps = await same([
      'DECLARE c CURSOR FOR SELECT 1', 'BEGIN', 'DECLARE c CURSOR FOR SELECT 1', 'DECLARE c CURSOR FOR SELECT 2', 'ROLLBACK',
      'BEGIN', 'DECLARE c CURSOR FOR SELECT 1', 'COMMIT', 'FETCH c', 'BEGIN', 'DECLARE c CURSOR FOR SELECT 1', 'CLOSE ALL', 'FETCH c', 'ROLLBACK',
    ]);
    expect(steps[0]).toEqual({ error: '25P01' });
    expect(steps[3]).toEqual({ error: '42P03' });
    expect(steps[8]).toEqual({ error: '34000' });
    expect(steps[12]).toEqual({ error: '34000' });
  });
});
