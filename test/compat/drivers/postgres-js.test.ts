import postgres from 'postgres';
import { differentialSuite, TELEMETRY, TYPE_CHECKS, type Target } from './harness.js';
import { norm, runChecks, TYPES, type Check } from './node-checks.js';

/**
 * postgres.js: named prepared statements by default, its array-type introspection at connect
 * (fetch_types), unprepared (`prepare: false`) queries, cursors, transactions.
 */
async function postgresJs(t: Target) {
  const sql = postgres({ host: t.host, port: t.port, database: t.database, username: t.user, max: 1, connect_timeout: 10, connection: { TimeZone: 'UTC' } });
  const unprepared = postgres({ host: t.host, port: t.port, database: t.database, username: t.user, max: 1, prepare: false, fetch_types: false, connect_timeout: 10, connection: { TimeZone: 'UTC' } });
  const value = async (q: Promise<postgres.RowList<postgres.Row[]>>): Promise<unknown> => norm(Object.values((await q)[0])[0]);
  try {
    const checks: Check[] = [
      ['connect and fetch_types introspection', async () => {
        await sql`SELECT 1`; // the first query waits for fetch_types' pg_type query
        return [await value(sql`SELECT 1 AS v`), await value(sql`SHOW TimeZone`)];
      }],
      ...TYPES.flatMap((ty): Check[] => [
        [`type ${ty.name}`, () => value(sql.unsafe(`SELECT ${ty.sql} AS v`))],
        [`unprepared type ${ty.name}`, () => value(unprepared.unsafe(`SELECT ${ty.sql} AS v`))],
      ]),
      ['parameters', async () => {
        const r = await sql`SELECT ${41}::int4 + 1 AS a, ${"it's"} AS b, ${'1.25'}::numeric AS c, ${new Date(Date.UTC(2026, 0, 2, 3, 4, 5))}::timestamptz AS d,
          ${Buffer.from([0, 255])}::bytea AS e, ${2}::int4 = ANY(${sql.array([1, 2, 3])}::int4[]) AS f, ${sql.json({ k: 'v' })}::json AS g, ${null}::int8 IS NULL AS h`;
        return [r.columns.map((c) => [c.name, c.type]), norm(Object.values(r[0]))];
      }],
      ['prepared statement reused', async () => {
        const out = [];
        for (const n of [21, 5, 7]) out.push(norm((await sql`SELECT ${n}::int4 * 2 AS v`)[0].v));
        return out;
      }],
      ['cursor', async () => {
        const batches: number[][] = [];
        await sql`SELECT i FROM generate_series(1, 20) AS s(i) ORDER BY i`.cursor(7, (rows) => { batches.push(rows.map((r) => Number(r.i))); });
        return batches;
      }],
      ['error then next query', async () => {
        const code = await sql`SELECT * FROM no_such_relation`.then(() => 'no error', (e: { code: string }) => e.code);
        return [code, await value(sql`SELECT 2 AS v`)];
      }],
      ['transaction and rollback', async () => {
        const code = await sql.begin('read only', async (tx) => { await tx`SELECT * FROM no_such_relation`; }).then(() => 'no error', (e: { code: string }) => e.code);
        const committed = await sql.begin(async (tx) => (await tx`SELECT 3 AS v`)[0].v as number);
        return [code, committed];
      }],
      ['pool reset statements', async () => {
        const tags = [];
        for (const q of ['DISCARD ALL', 'RESET ALL', 'DEALLOCATE ALL', 'CLOSE ALL', 'UNLISTEN *']) tags.push((await unprepared.unsafe(q)).command);
        await unprepared.unsafe("SET TimeZone TO 'UTC'");
        return tags;
      }],
    ];
    if (t.pid) {
      checks.push(['telemetry: count(*) FROM log_entries', async () => Number((await sql`SELECT count(*) AS n FROM log_entries`)[0].n)]);
      checks.push(['telemetry: view_instance with a literal id', async () => Number((await sql.unsafe(`SELECT count(*) AS n FROM view_instance('log_entries', '${t.pid}')`))[0].n)]);
      checks.push(['telemetry: view_instance with a parameter', async () => Number((await sql`SELECT count(*) AS n FROM view_instance('log_entries', ${t.pid})`)[0].n)]);
    }
    return await runChecks(checks);
  } finally {
    await sql.end({ timeout: 5 });
    await unprepared.end({ timeout: 5 });
  }
}

differentialSuite('postgres.js', [
  'connect and fetch_types introspection', ...TYPE_CHECKS.flatMap((c) => [c, `unprepared ${c}`]), 'parameters', 'prepared statement reused',
  'cursor', 'error then next query', 'transaction and rollback', 'pool reset statements',
], TELEMETRY, postgresJs);
