import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numericCastParameters, withNumericScales } from '../../src/sql/numeric-param-casts.js';
import { SqlState } from '../../src/wire/sqlstate.js';
import { RawClient, type BackendMsg } from '../helpers/raw-client.js';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * A bound parameter cast to unconstrained numeric keeps its value's scale, as in PostgreSQL
 * (1.25 stays 1.25, 1.250 stays 1.250), where DuckDB's NUMERIC is DECIMAL(18,3). Literals keep
 * DuckDB's answer. Compared with PostgreSQL 15 through node-postgres's extended protocol.
 */
let server: TestServer;
const targets: Record<'postgres' | 'sirius', pg.Client> = {} as never;
const rawTypes = { getTypeParser: () => (v: string) => v };

beforeAll(async () => {
  server = await startTestServer();
  targets.postgres = new pg.Client({ ...referencePg, types: rawTypes });
  targets.sirius = new pg.Client(server.pgConfig({ types: rawTypes }));
  for (const c of Object.values(targets)) await c.connect();
});

afterAll(async () => {
  for (const c of Object.values(targets)) await c?.end();
  await server?.close();
});

type Outcome = { rows: unknown[][]; fields: [number, number][] } | { error: string };

async function run(c: pg.Client, text: string, values: unknown[], name?: string): Promise<Outcome> {
  try {
    const r = await c.query({ name, text, values, rowMode: 'array' });
    return { rows: r.rows, fields: r.fields.map((f) => [f.dataTypeID, f.dataTypeModifier]) };
  } catch (e) {
    return { error: (e as pg.DatabaseError).code ?? String(e) };
  }
}

async function both(text: string, values: unknown[], name?: string): Promise<Record<'postgres' | 'sirius', Outcome>> {
  return { postgres: await run(targets.postgres, text, values, name), sirius: await run(targets.sirius, text, values, name) };
}

const VALUES = ['1.25', '1', '1.250', '-0.5', '12345678901234567890.123', null, '1.5e2', '1e-5', '.5', '0.000'];

describe('bound numeric parameters, as PostgreSQL', () => {
  const statements = [
    'SELECT $1::numeric AS v',
    'SELECT CAST($1 AS numeric) AS v',
    'SELECT $1::decimal AS v',
    'SELECT ($1::numeric) * 2 AS v, $1::NUMERIC + 1 AS w',
    'SELECT $1::numeric AS v, 1.50::numeric(5,2) AS fixed',
  ];
  for (const sql of statements) {
    it(sql, async () => {
      for (const value of VALUES) {
        const r = await both(sql, [value]);
        expect(r.sirius, `${sql} with ${value}`).toEqual(r.postgres);
        expect('rows' in r.sirius).toBe(true);
      }
    });
  }

  it('one prepared statement executed with values of different scales, back and forth', async () => {
    const name = 'scales';
    const out = { postgres: [] as Outcome[], sirius: [] as Outcome[] };
    for (const value of ['1.25', '7', '1.25', '0.001', '7', null, '1.25']) {
      const r = await both('SELECT $1::numeric AS v, $2::int4 AS n', [value, 3], name);
      out.postgres.push(r.postgres);
      out.sirius.push(r.sirius);
    }
    expect(out.sirius).toEqual(out.postgres);
    expect(out.sirius[0]).toEqual({ rows: [['1.25', '3']], fields: [[1700, -1], [23, -1]] });
  });

  it('a value beyond numeric is 22003, and the connection goes on', async () => {
    const r = await both('SELECT $1::numeric AS v', ['1e200000']);
    expect(r.postgres).toEqual({ error: SqlState.NumericValueOutOfRange });
    expect(r.sirius).toEqual(r.postgres);
    expect(await both('SELECT $1::numeric AS v', ['2.5'])).toEqual({ postgres: { rows: [['2.5']], fields: [[1700, -1]] }, sirius: { rows: [['2.5']], fields: [[1700, -1]] } });
  });

  it('bad numeric text is 22P02 in both', async () => {
    const r = await both('SELECT $1::numeric AS v', ['1.2.3']);
    expect(r.postgres).toEqual({ error: SqlState.InvalidTextRepresentation });
    expect(r.sirius).toEqual(r.postgres);
  });

  it('literals keep DuckDB\'s DECIMAL(18,3) (the peer tests compare with DuckDB), parameters do not', async () => {
    const r = await run(targets.sirius, 'SELECT 1.25::numeric AS literal, $1::numeric AS param', ['1.25']);
    expect(r).toMatchObject({ rows: [['1.250', '1.25']] });
    // EXECUTE's arguments are literals too
    await targets.sirius.query('PREPARE lit(numeric) AS SELECT $1 AS v');
    expect((await targets.sirius.query({ text: 'EXECUTE lit(1.25)', rowMode: 'array' })).rows).toEqual([['1.250']]);
    await targets.sirius.query('DEALLOCATE lit');
  });

  it('NaN is refused with 0A000: DuckDB DECIMAL has no NaN', async () => {
    expect(await run(targets.sirius, 'SELECT $1::numeric AS v', ['NaN'])).toEqual({ error: SqlState.FeatureNotSupported });
    expect(await run(targets.sirius, 'SELECT $1::numeric AS v', ['0.5'])).toMatchObject({ rows: [['0.5']] });
  });

  it('more than DuckDB DECIMAL\'s 38 digits is 22003 numeric field overflow (PostgreSQL has room for it)', async () => {
    const big = '1' + '0'.repeat(36) + '.25';
    const r = await both('SELECT $1::numeric AS v', [big]);
    expect(r.postgres).toMatchObject({ rows: [[big]] });
    expect(r.sirius).toEqual({ error: SqlState.NumericValueOutOfRange });
    await expect(targets.sirius.query('SELECT $1::numeric AS v', [big])).rejects.toThrow('numeric field overflow');
    expect(await run(targets.sirius, 'SELECT $1::numeric AS v', ['1' + '0'.repeat(35) + '.25'])).toMatchObject({ rows: [['1' + '0'.repeat(35) + '.25']] });
  });
});

/** Raw frames: a parameter type declared in Parse, and numeric in binary format (numeric_send). */
describe('declared and binary numeric parameters', () => {
  async function rawRows(port: number, startup: Record<string, string>, types: number[], values: (string | Buffer)[], text: string): Promise<unknown> {
    const c = await RawClient.ready(port, startup);
    try {
      c.send(serialize.parse({ text, types }), serialize.bind({ values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync());
      const msgs = await c.until('readyForQuery');
      const error = msgs.find((m) => m.name === 'error');
      if (error) return { error: error.code };
      const desc = msgs.find((m) => m.name === 'rowDescription') as BackendMsg & { fields: { dataTypeID: number; dataTypeModifier: number }[] };
      return {
        fields: desc.fields.map((f) => [f.dataTypeID, f.dataTypeModifier]),
        rows: msgs.filter((m) => m.name === 'dataRow').map((m) => m.fields),
      };
    } finally {
      c.close();
    }
  }
  const pgStartup = { user: String(referencePg.user), database: String(referencePg.database) };
  const viaBoth = async (types: number[], values: (string | Buffer)[], text: string) => ({
    postgres: await rawRows(5432, pgStartup, types, values, text),
    sirius: await rawRows(server.port, {}, types, values, text),
  });

  it('an uncast parameter declared numeric (pgjdbc setBigDecimal, psycopg 3 Decimal) keeps its scale', async () => {
    for (const value of ['1.25', '3', '1.250']) {
      const r = await viaBoth([1700], [value], 'SELECT $1 AS v');
      expect(r.sirius).toEqual(r.postgres);
      expect(r.sirius).toMatchObject({ rows: [[value]] });
    }
  });

  it('a binary numeric parameter keeps its dscale', async () => {
    // 1.25: 2 base-10000 digits, weight 0, positive, dscale 2: 0001 2500
    const oneTwentyFive = Buffer.from([0, 2, 0, 0, 0, 0, 0, 2, 0, 1, 0x09, 0xc4]);
    // 1.250: the same digits, dscale 3
    const scaleThree = Buffer.from([0, 2, 0, 0, 0, 0, 0, 3, 0, 1, 0x09, 0xc4]);
    for (const value of [oneTwentyFive, scaleThree]) {
      const r = await viaBoth([1700], [value], 'SELECT $1::numeric AS v');
      expect(r.sirius).toEqual(r.postgres);
    }
    expect((await viaBoth([1700], [oneTwentyFive], 'SELECT $1::numeric AS v')).sirius).toMatchObject({ rows: [['1.25']] });
  });

  it('a float8 parameter cast to numeric reads as PostgreSQL prints it (15 digits)', async () => {
    const r = await viaBoth([701], ['0.30000000000000004'], 'SELECT $1::numeric AS v');
    expect(r.sirius).toEqual(r.postgres);
    expect(r.sirius).toMatchObject({ rows: [['0.3']] });
  });
});

describe('the rewrite (sql/numeric-param-casts.ts)', () => {
  const cases: [string, string][] = [
    ['SELECT $1::numeric', 'SELECT $1::DECIMAL(38,2)'],
    ['SELECT $1 :: Numeric * 2, CAST( $2 AS decimal ), $1::numeric(10,2), $2::numeric[]', 'SELECT $1 :: DECIMAL(38,2) * 2, CAST( $2 AS DECIMAL(38,3) ), $1::numeric(10,2), $2::numeric[]'],
    ["SELECT 1.25::numeric, '$1::numeric', TRY_CAST($1 AS numeric) -- $2::numeric", "SELECT 1.25::numeric, '$1::numeric', TRY_CAST($1 AS numeric) -- $2::numeric"],
    ['SELECT $1::numericx, $2::decimal', 'SELECT $1::numericx, $2::DECIMAL(38,3)'],
  ];
  for (const [sql, out] of cases) {
    it(sql, () => {
      expect(withNumericScales(sql, (n) => n + 1)).toBe(out);
    });
  }

  it('names the parameters it rewrites', () => {
    expect([...numericCastParameters('SELECT $1::int, $2::numeric, cast($3 as DECIMAL)')]).toEqual([2, 3]);
  });
});
