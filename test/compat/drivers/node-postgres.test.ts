import pg from 'pg';
import { differentialSuite, TELEMETRY, TYPE_CHECKS, type Target } from './harness.js';
import { norm, runChecks, TYPES, type Check } from './node-checks.js';

/** node-postgres (`pg`): text results, binary results (`binary: true`), named prepared statements, pg.Pool. */
async function nodePostgres(t: Target) {
  const config = { host: t.host, port: t.port, database: t.database, user: t.user, connectionTimeoutMillis: 10_000 };
  const client = new pg.Client(config);
  await client.connect();
  const pool = new pg.Pool({ ...config, max: 2 });
  const value = async (text: string, values?: unknown[], binary = false): Promise<unknown> => norm(Object.values((await client.query({ text, values, binary } as pg.QueryConfig)).rows[0])[0]);
  try {
    const checks: Check[] = [
      ['connect', async () => {
        await client.query("SET TimeZone TO 'UTC'");
        return [await value('SELECT 1'), (await client.query('SHOW server_version')).rows[0].server_version.split('.')[0]];
      }],
      ...TYPES.flatMap((ty): Check[] => [
        [`type ${ty.name}`, () => value(`SELECT ${ty.sql} AS v`)],
        [`binary type ${ty.name}`, () => value(`SELECT ${ty.sql} AS v`, [], true)],
      ]),
      ['parameters', async () => {
        const r = await client.query('SELECT $1::int4 + 1 AS a, $2::text AS b, $3::numeric AS c, $4::timestamptz AS d, $5::bytea AS e, $6::int4 = ANY($7::int4[]) AS f, $8::json AS g, $9::int8 IS NULL AS h',
          [41, "it's", '1.25', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), Buffer.from([0, 255]), 2, [1, 2, 3], { k: 'v' }, null]);
        return [r.fields.map((f) => [f.name, f.dataTypeID]), norm(Object.values(r.rows[0]))];
      }],
      ['named prepared statement', async () => {
        const out = [];
        for (const n of [21, 5]) out.push(norm((await client.query({ name: 'twice', text: 'SELECT $1::int4 * 2 AS v', values: [n] })).rows[0].v));
        return out;
      }],
      ['multi-statement simple query', async () => {
        const rs = (await client.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as pg.QueryResult[];
        return rs.map((r) => [r.command, r.rows]);
      }],
      ['error then next query', async () => {
        const code = await client.query('SELECT * FROM no_such_relation').then(() => 'no error', (e: { code: string }) => e.code);
        return [code, await value('SELECT 2')];
      }],
      ['failed transaction and rollback', async () => {
        await client.query('BEGIN READ ONLY');
        const code = await client.query('SELECT * FROM no_such_relation').then(() => 'no error', (e: { code: string }) => e.code);
        const inFailed = await client.query('SELECT 1').then(() => 'ran', (e: { code: string }) => e.code);
        await client.query('ROLLBACK');
        return [code, inFailed, await value('SELECT 3')];
      }],
      ['pool reset statements', async () => {
        const tags = [];
        for (const sql of ['DISCARD ALL', 'RESET ALL', 'DEALLOCATE ALL', 'CLOSE ALL', 'UNLISTEN *']) tags.push((await client.query(sql)).command);
        await client.query("SET TimeZone TO 'UTC'");
        return tags;
      }],
      ['pool reset undoes session state', async () => {
        // what a pool relies on: settings, prepared statements and temp tables do not leak to the next borrower
        await client.query("SET application_name = 'borrower one'");
        await client.query({ name: 'leaked', text: 'SELECT 1 AS v' });
        await client.query('PREPARE by_sql AS SELECT 2');
        await client.query('DEALLOCATE ALL');
        const deallocated = await client.query('EXECUTE by_sql').then(() => 'still prepared', (e: { code: string }) => e.code);
        await client.query('PREPARE by_sql AS SELECT 2').catch(() => undefined); // exists still on a server that did not deallocate
        await client.query('CREATE TEMPORARY TABLE leaked_temp (i int4)');
        await client.query('DISCARD ALL');
        const after = [
          deallocated,
          (await client.query('SHOW application_name')).rows[0].application_name,
          await client.query('EXECUTE by_sql').then(() => 'still prepared', (e: { code: string }) => e.code),
          await client.query('SELECT * FROM leaked_temp').then(() => 'still there', (e: { code: string }) => e.code),
        ];
        await client.query("SET TimeZone TO 'UTC'");
        return after;
      }],
      ['pg.Pool', async () => {
        const rs = await Promise.all([1, 2, 3].map((i) => pool.query('SELECT $1::int4 AS i', [i])));
        return rs.map((r) => r.rows[0].i);
      }],
    ];
    if (t.pid) {
      checks.push(['telemetry: count(*) FROM log_entries', async () => Number((await client.query('SELECT count(*) AS n FROM log_entries')).rows[0].n)]);
      checks.push(['telemetry: view_instance with a literal id', async () => Number((await client.query(`SELECT count(*) AS n FROM view_instance('log_entries', '${t.pid}')`)).rows[0].n)]);
      checks.push(['telemetry: view_instance with a parameter', async () => Number((await client.query("SELECT count(*) AS n FROM view_instance('log_entries', $1)", [t.pid])).rows[0].n)]);
    }
    return await runChecks(checks);
  } finally {
    await client.end();
    await pool.end();
  }
}

differentialSuite('node-postgres', [
  'connect', ...TYPE_CHECKS.flatMap((c) => [c, `binary ${c}`]), 'parameters', 'named prepared statement',
  'multi-statement simple query', 'error then next query', 'failed transaction and rollback', 'pool reset statements', 'pool reset undoes session state', 'pg.Pool',
], TELEMETRY, nodePostgres);
