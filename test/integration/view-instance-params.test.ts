import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, seededUuid } from '../../src/cli/generate.js';
import { renameTables, renumberParameters } from '../../src/sql/view-instance-params.js';
import { SqlState } from '../../src/wire/sqlstate.js';
import { names, RawClient } from '../helpers/raw-client.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * view_instance('log_entries', $1) over the extended protocol (node-postgres): the instance id is
 * bound at Execute, so one prepared statement reads a different process at each execution, and the
 * parameters around it keep their meaning although DuckDB never sees the one view_instance took.
 */
const START = Date.UTC(2026, 0, 1) * 1000;
const HOUR = 3_600_000_000;
/** Two processes with different numbers of logs, so a count tells them apart. */
const PROCESSES = [
  { seed: 71, logs: 300 },
  { seed: 72, logs: 500 },
];

let server: TestServer;
let client: pg.Client;
const ids = PROCESSES.map((p) => seededUuid(p.seed, 0));
const iso = (us: number): string => new Date(us / 1000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  for (const p of PROCESSES) {
    const r = await generate({
      url: server.ingestUrl, processes: 1, logEvents: p.logs, metricEvents: 20, spanEvents: 0,
      startUs: START, durationUs: HOUR, seed: p.seed, timeoutMs: 30_000, blockEvents: 128,
    });
    expect(r.acknowledged).toBe(true);
  }
  client = await server.client();
  await client.query("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

/** The same count through the global view, which takes no view_instance at all. */
async function globalCount(processId: string, where = 'TRUE', values: unknown[] = []): Promise<number> {
  const r = await client.query(`SELECT count(*)::INTEGER AS n FROM log_entries WHERE process_id = $1 AND ${where}`, [processId, ...values]);
  return r.rows[0].n;
}

describe('view_instance with a bound instance id', () => {
  it('runs one prepared statement with two process ids, each reading its own logs', async () => {
    const text = "SELECT count(*)::INTEGER AS n, min(process_id) AS lo, max(process_id) AS hi FROM view_instance('log_entries', $1)";
    // named: node-postgres parses it once and then only binds and executes it again
    const run = async (id: string) => (await client.query({ name: 'vi_count', text, values: [id] })).rows[0];
    for (const id of [ids[0], ids[1], ids[0], ids[1]]) {
      const row = await run(id);
      expect(row).toEqual({ n: PROCESSES[ids.indexOf(id)].logs, lo: id, hi: id });
      expect(row.n).toBe(await globalCount(id));
    }
  });

  it('keeps the parameters before and after the view_instance argument in their places', async () => {
    const text = `SELECT $1::INTEGER AS tag, count(*)::INTEGER AS n, $4::TEXT AS note
      FROM view_instance('log_entries', $2) WHERE level <= $3`;
    for (const [i, id] of ids.entries()) {
      const r = await client.query({ name: 'vi_around', text, values: [40 + i, id, 3, `p${i}`] });
      expect(r.rows).toEqual([{ tag: 40 + i, n: await globalCount(id, 'level <= $2', [3]), note: `p${i}` }]);
    }
  });

  it('reads the time range of a later parameter, as bound', async () => {
    const text = "SELECT count(*)::INTEGER AS n FROM view_instance('log_entries', $1) WHERE time >= $2 AND time < $3";
    const windows = [[START + HOUR / 4, START + HOUR / 2], [START, START + HOUR / 10], [START + HOUR / 2, START + HOUR]];
    for (const id of ids) {
      for (const [a, b] of windows) {
        const r = await client.query({ name: 'vi_range', text, values: [id, iso(a), iso(b)] });
        const expected = await globalCount(id, 'time >= $2 AND time < $3', [iso(a), iso(b)]);
        expect(expected).toBeGreaterThan(0);
        expect(r.rows[0].n).toBe(expected);
      }
    }
  });

  it('does not reuse a statement bound to the same views the other way round', async () => {
    const text = "SELECT (SELECT min(process_id) FROM view_instance('log_entries', $1)) AS a, (SELECT min(process_id) FROM view_instance('log_entries', $2)) AS b";
    for (const pair of [[ids[0], ids[1]], [ids[1], ids[0]], [ids[0], ids[1]]]) {
      const r = await client.query({ name: 'vi_pair', text, values: pair });
      expect(r.rows).toEqual([{ a: pair[0], b: pair[1] }]);
    }
  });

  it('fails for an unknown id as a literal id does, then runs the next query', async () => {
    const unknown = seededUuid(9999, 0);
    const literal = await client.query(`SELECT count(*) FROM view_instance('log_entries', '${unknown}')`).then(() => null, (e: unknown) => e);
    const bound = await client.query({ name: 'vi_count_unknown', text: "SELECT count(*) FROM view_instance('log_entries', $1)", values: [unknown] }).then(() => null, (e: unknown) => e);
    expect(literal).toMatchObject({ code: SqlState.InvalidParameterValue });
    expect(bound).toMatchObject({ code: SqlState.InvalidParameterValue, message: (literal as Error).message });
    expect((bound as Error).message).toContain(unknown);
    const wrongKind = await client.query("SELECT count(*) FROM view_instance('thread_spans', $1)", [ids[0]]).then(() => null, (e: unknown) => e);
    expect(wrongKind).toMatchObject({ code: SqlState.InvalidParameterValue, message: expect.stringContaining('is a process id') });
    const notASet = await client.query("SELECT count(*) FROM view_instance('nope', $1)", [ids[0]]).then(() => null, (e: unknown) => e);
    expect(notASet).toMatchObject({ code: SqlState.UndefinedTable, message: 'view set "nope" does not exist' });
    expect((await client.query({ name: 'vi_count', text: "SELECT count(*)::INTEGER AS n, min(process_id) AS lo, max(process_id) AS hi FROM view_instance('log_entries', $1)", values: [ids[1]] })).rows[0].n).toBe(PROCESSES[1].logs);
  });

  it('refuses a view set given as a parameter and a NULL id, with 22023', async () => {
    const setParam = await client.query('SELECT count(*) FROM view_instance($1, $2)', ['log_entries', ids[0]]).then(() => null, (e: unknown) => e);
    expect(setParam).toMatchObject({ code: SqlState.InvalidParameterValue, message: expect.stringContaining("view_instance's view set cannot be a parameter") });
    const nullId = await client.query("SELECT count(*) FROM view_instance('log_entries', $1)", [null]).then(() => null, (e: unknown) => e);
    expect(nullId).toMatchObject({ code: SqlState.InvalidParameterValue, message: 'view_instance: the instance id ($1) is null' });
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('view_instance parameters on the wire', () => {
  const text = "SELECT $1::INTEGER AS tag, count(*)::INTEGER AS n FROM view_instance('log_entries', $2) WHERE level <= $3";

  it('describes every parameter the client binds, the view_instance one as text or as declared', async () => {
    const c = await RawClient.ready(server.port);
    try {
      const described = async (sql: string, types: number[]): Promise<unknown> => {
        c.send(serialize.parse({ name: 'd', text: sql, types }), serialize.describe({ type: 'S', name: 'd' }), serialize.close({ type: 'S', name: 'd' }), serialize.sync());
        const out = await c.until('readyForQuery');
        expect(names(out)).toEqual(['parseComplete', 'parameterDescription', 'rowDescription', 'closeComplete', 'readyForQuery']);
        return out[1].dataTypeIDs;
      };
      expect(await described(text, [])).toEqual([23, 25, 23]);
      expect(await described(text, [0, 1043])).toEqual([23, 1043, 23]);
      expect(await described("SELECT count(*) FROM view_instance('log_entries', $1::uuid)", [])).toEqual([2950]);
    } finally {
      c.close();
    }
  });

  it('takes a uuid id in binary format', async () => {
    const c = await RawClient.ready(server.port);
    try {
      const uuid = Buffer.from(ids[1].replaceAll('-', ''), 'hex');
      c.send(
        serialize.parse({ text, types: [0, 2950] }),
        serialize.bind({ values: [Buffer.from([0, 0, 0, 7]), uuid, Buffer.from([0, 0, 0, 6])] }),
        serialize.execute({}),
        serialize.sync(),
      );
      const out = await c.until('readyForQuery');
      expect(names(out)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'commandComplete', 'readyForQuery']);
      expect(out[2].fields).toEqual(['7', String(PROCESSES[1].logs)]);
    } finally {
      c.close();
    }
  });
});

describe('the rewrite rules', () => {
  it('renumbers the parameters left, outside quotes, strings and comments', () => {
    expect(renumberParameters(`SELECT $1 AS a, '$2' AS s FROM "view_instance:log_entries:$2" -- $2\n WHERE x = $3 AND y = $1`)).toEqual({
      sql: `SELECT $1 AS a, '$2' AS s FROM "view_instance:log_entries:$2" -- $2\n WHERE x = $2 AND y = $1`,
      clientOf: [1, 3],
    });
  });

  it('renames quoted identifiers only', () => {
    const renamed = new Map([['view_instance:log_entries:$1', 'view_instance:log_entries:a"b']]);
    expect(renameTables(`SELECT 'view_instance:log_entries:$1', * FROM "view_instance:log_entries:$1" v`, renamed))
      .toBe(`SELECT 'view_instance:log_entries:$1', * FROM "view_instance:log_entries:a""b" v`);
  });
});
