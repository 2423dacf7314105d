import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePg, startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  client = await server.client();
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

describe('node-postgres, extended protocol', () => {
  it('binds parameters of many types in text format', async () => {
    const r = await client.query('SELECT $1::INTEGER + 1 AS a, $2::VARCHAR AS b, $3::BOOLEAN AS c, $4::DOUBLE * 2 AS d, $5::DATE AS e', [
      41,
      'hé',
      true,
      1.25,
      '2026-02-03',
    ]);
    expect(r.rows).toEqual([{ a: 42, b: 'hé', c: true, d: 2.5, e: new Date('2026-02-03T00:00:00') }]);
  });

  it('infers parameter types from context and treats untyped ones as text', async () => {
    const r = await client.query('SELECT range AS n, $2 AS label FROM range(10) WHERE range = $1', [7, 'seven']);
    expect(r.rows).toEqual([{ n: '7', label: 'seven' }]);
  });

  it('passes NULL parameters', async () => {
    const r = await client.query('SELECT $1::INTEGER IS NULL AS isnull', [null]);
    expect(r.rows).toEqual([{ isnull: true }]);
  });

  it('passes NULL parameters under expressions DuckDB folds (same rows and types as PostgreSQL)', async () => {
    const ref = new pg.Client(referencePg);
    await ref.connect();
    try {
      const sql = "SELECT $1::text || 'x' AS t, $2::int * 2 AS i, $3::numeric * 2 AS n, upper($1::text) AS u, 5 AS five";
      // one named statement: values, then NULLs, then values again
      const rounds: (string | number | null)[][] = [['a', 1, '1.5'], [null, null, null], ['b', 2, '2.25'], ['c', null, null]];
      for (const values of rounds) {
        const [mine, theirs] = await Promise.all([client, ref].map((c) => c.query({ name: 'folds', text: sql, values })));
        expect(mine.rows, JSON.stringify(values)).toEqual(theirs.rows);
        expect(mine.fields.map((f) => f.dataTypeID)).toEqual(theirs.fields.map((f) => f.dataTypeID));
      }
    } finally {
      await ref.end();
    }
  });

  it('uses named prepared statements across executions', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await client.query({ name: 'plus-one', text: 'SELECT $1::BIGINT + 1 AS v', values: [i] });
      expect(r.rows).toEqual([{ v: String(i + 1) }]);
    }
  });

  it('reports errors in the extended protocol and skips to Sync', async () => {
    await expect(client.query('SELECT * FROM missing WHERE a = $1', [1])).rejects.toMatchObject({ code: '42P01' });
    await expect(client.query('SELECT $1::INTEGER AS x', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await client.query('SELECT $1::INTEGER AS x', [5])).rows).toEqual([{ x: 5 }]);
  });

  it('rejects a second command in a prepared statement', async () => {
    await expect(client.query('SELECT $1::INTEGER; SELECT 2', [1])).rejects.toMatchObject({
      code: '42601',
      message: 'cannot insert multiple commands into a prepared statement',
    });
  });

  it('returns binary results when asked', async () => {
    const r = await client.query({
      // a parameter makes node-postgres use the extended protocol, where result formats exist
      text: "SELECT 7::SMALLINT AS s, $1::INTEGER AS i, 9::BIGINT AS b, 1.5::FLOAT AS f, 2.5::DOUBLE AS d, true AS t, 'txt' AS x",
      values: [8],
      binary: true,
    } as pg.QueryConfig);
    const row = r.rows[0];
    expect(r.fields.map((f) => f.format)).toEqual(new Array(7).fill('binary'));
    // node-postgres hands back binary values of these types parsed by type OID
    expect([row.s, row.i, row.t, row.d, row.x]).toEqual([7, 8, true, 2.5, 'txt']);
  });
});
