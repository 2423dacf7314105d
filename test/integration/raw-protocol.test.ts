import { connect } from 'node:net';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names, RawClient } from '../helpers/raw-client.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('raw extended protocol', () => {
  it('pushes output on Flush without waiting for Sync', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.parse({ name: 'f', text: 'SELECT 1 AS one' }), serialize.flush());
    expect(names(await c.until('parseComplete'))).toEqual(['parseComplete']);
    c.send(serialize.sync());
    expect(names(await c.until('readyForQuery'))).toEqual(['readyForQuery']);
    c.close();
  });

  it('suspends a portal at maxRows and resumes it', async () => {
    const c = await RawClient.ready(server.port);
    c.send(
      serialize.parse({ text: 'SELECT range::INTEGER AS n FROM range(5)' }),
      serialize.bind({}),
      serialize.describe({ type: 'P', name: '' }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(names(msgs)).toEqual([
      'parseComplete', 'bindComplete', 'rowDescription',
      'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'commandComplete', 'readyForQuery',
    ]);
    expect(msgs.filter((m) => m.name === 'dataRow').map((m) => (m.fields as string[])[0])).toEqual(['0', '1', '2', '3', '4']);
    // PostgreSQL counts the rows of the last Execute only
    expect(msgs.find((m) => m.name === 'commandComplete')?.text).toBe('SELECT 1');
    c.close();
  });

  it('keeps portals across Syncs inside a transaction block, drops them outside', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.query('BEGIN'));
    await c.until('readyForQuery');
    c.send(serialize.parse({ text: 'SELECT range AS n FROM range(3)' }), serialize.bind({ portal: 'cur' }), serialize.execute({ portal: 'cur', rows: 1 }), serialize.sync());
    const first = await c.until('readyForQuery');
    expect(names(first).slice(-2)).toEqual(['portalSuspended', 'readyForQuery']);
    expect(first.at(-1)?.status).toBe('T');
    c.send(serialize.execute({ portal: 'cur', rows: 0 }), serialize.sync());
    const rest = await c.until('readyForQuery');
    expect(names(rest)).toEqual(['dataRow', 'dataRow', 'commandComplete', 'readyForQuery']);
    c.send(serialize.query('COMMIT'));
    await c.until('readyForQuery');
    c.send(serialize.parse({ text: 'SELECT 1' }), serialize.bind({ portal: 'gone' }), serialize.sync());
    await c.until('readyForQuery');
    c.send(serialize.execute({ portal: 'gone' }), serialize.sync());
    const err = (await c.until('readyForQuery')).find((m) => m.name === 'error');
    expect(err).toMatchObject({ code: '34000', message: 'portal "gone" does not exist' });
    c.close();
  });

  it('pipelines Parse/Bind/Execute for several statements before one Sync', async () => {
    const c = await RawClient.ready(server.port);
    const msgs: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      msgs.push(serialize.parse({ name: `s${i}`, text: `SELECT ${i} AS v` }), serialize.bind({ statement: `s${i}` }), serialize.execute({}));
    }
    c.send(...msgs, serialize.sync());
    const out = await c.until('readyForQuery');
    expect(out.filter((m) => m.name === 'dataRow').map((m) => (m.fields as string[])[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    c.close();
  });

  it('answers 42P05, 26000 and 34000 where PostgreSQL does, and skips to Sync after an error', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.parse({ name: 'dup', text: 'SELECT 1' }), serialize.parse({ name: 'dup', text: 'SELECT 2' }), serialize.bind({ statement: 'dup' }), serialize.execute({}), serialize.sync());
    const out = await c.until('readyForQuery');
    expect(names(out)).toEqual(['parseComplete', 'error', 'readyForQuery']);
    expect(out[1]).toMatchObject({ code: '42P05', message: 'prepared statement "dup" already exists' });
    c.send(serialize.bind({ statement: 'nope' }), serialize.sync());
    expect((await c.until('readyForQuery'))[0]).toMatchObject({ code: '26000', message: 'prepared statement "nope" does not exist' });
    c.send(serialize.describe({ type: 'P', name: 'nope' }), serialize.sync());
    expect((await c.until('readyForQuery'))[0]).toMatchObject({ code: '34000' });
    c.send(serialize.close({ type: 'S', name: 'dup' }), serialize.sync());
    expect(names(await c.until('readyForQuery'))).toEqual(['closeComplete', 'readyForQuery']);
    c.close();
  });

  it('describes a statement: parameter types and row description', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.parse({ name: 'd', text: 'SELECT $1::INTEGER AS a, $2 AS b', types: [0, 0] }), serialize.describe({ type: 'S', name: 'd' }), serialize.sync());
    const out = await c.until('readyForQuery');
    expect(names(out)).toEqual(['parseComplete', 'parameterDescription', 'rowDescription', 'readyForQuery']);
    expect(out[1].dataTypeIDs).toEqual([23, 25]);
    expect((out[2].fields as { name: string; dataTypeID: number }[]).map((f) => [f.name, f.dataTypeID])).toEqual([['a', 23], ['b', 25]]);
    c.send(serialize.parse({ name: 'n', text: 'CREATE TEMP TABLE IF NOT EXISTS nd (a INTEGER)' }), serialize.describe({ type: 'S', name: 'n' }), serialize.sync());
    expect(names(await c.until('readyForQuery'))).toEqual(['parseComplete', 'parameterDescription', 'noData', 'readyForQuery']);
    c.close();
  });

  it('checks the parameter count on Bind', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.parse({ name: 'p2', text: 'SELECT $1::INTEGER + $2::INTEGER' }), serialize.bind({ statement: 'p2', values: ['1'] }), serialize.sync());
    const err = (await c.until('readyForQuery')).find((m) => m.name === 'error');
    expect(err).toMatchObject({ code: '08P01', message: 'bind message supplies 1 parameters, but prepared statement "p2" requires 2' });
    c.close();
  });
});

describe('startup', () => {
  it('answers SSLRequest with N without TLS and continues on the same socket', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(serialize.requestSsl());
    expect((await answer).toString()).toBe('N');
    const rest = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(serialize.startup({ user: 'x', database: 'sirius' }));
    const reply = await rest;
    expect(String.fromCharCode(reply[0])).toBe('R');
    expect(reply.readInt32BE(5)).toBe(0);
    socket.destroy();
  });

  it('sends the ParameterStatus set and BackendKeyData', async () => {
    const c = await RawClient.open(server.port);
    c.send(serialize.startup({ user: 'x', database: 'sirius' }));
    const msgs = await c.until('readyForQuery');
    const params = Object.fromEntries(msgs.filter((m) => m.name === 'parameterStatus').map((m) => [m.parameterName, m.parameterValue]));
    expect(params).toMatchObject({
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      server_encoding: 'UTF8',
      TimeZone: 'UTC',
      IntervalStyle: 'postgres',
      session_authorization: 'x',
    });
    expect(params.server_version).toMatch(/^15\.\d+/);
    expect(names(msgs)).toContain('backendKeyData');
    c.close();
  });

  it('negotiates the protocol version for 3.1 and _pq_ options', async () => {
    const c = await RawClient.open(server.port);
    const start = serialize.startup({ user: 'x', database: 'sirius', _pq_foo: 'x' });
    start.writeInt32BE((3 << 16) | 1, 4);
    const body = Buffer.from(start.toString('latin1').replace('_pq_foo', '_pq_.fo'), 'latin1');
    c.send(body);
    const raw = await new Promise<Buffer>((resolve) => c.socket.once('data', resolve));
    expect(String.fromCharCode(raw[0])).toBe('v');
    expect(raw.readInt32BE(5)).toBe(0);
    expect(raw.readInt32BE(9)).toBe(1);
    c.close();
  });

  it('refuses another database with FATAL 3D000', async () => {
    const c = await RawClient.open(server.port);
    c.send(serialize.startup({ user: 'x', database: 'postgres' }));
    const msgs = await c.until('error');
    expect(msgs.at(-1)).toMatchObject({ severity: 'FATAL', code: '3D000', message: 'database "postgres" does not exist' });
    expect(await c.closedByServer()).toBe(true);
  });
});

describe('statement cache', () => {
  it('keeps a portal working after its statement was replaced and evicted from the cache', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.query('BEGIN'));
    await c.until('readyForQuery');
    c.send(serialize.parse({ text: 'SELECT range AS n FROM range(4)' }), serialize.bind({ portal: 'keep' }), serialize.sync());
    await c.until('readyForQuery');
    const churn: Buffer[] = [];
    for (let i = 0; i < 150; i++) churn.push(serialize.parse({ text: `SELECT ${i} AS v${i}` }), serialize.bind({}), serialize.execute({}));
    c.send(...churn, serialize.sync());
    await c.until('readyForQuery');
    c.send(serialize.execute({ portal: 'keep' }), serialize.sync());
    const rest = await c.until('readyForQuery');
    expect(rest.filter((m) => m.name === 'dataRow').map((m) => (m.fields as string[])[0])).toEqual(['0', '1', '2', '3']);
    c.send(serialize.query('COMMIT'));
    await c.until('readyForQuery');
    c.close();
  });

  it('prepares again after DDL changes what a repeated statement returns', async () => {
    const c = await RawClient.ready(server.port);
    const rowsOf = async (sql: string): Promise<string[][]> => {
      c.send(serialize.query(sql));
      return (await c.until('readyForQuery')).filter((m) => m.name === 'dataRow').map((m) => m.fields as string[]);
    };
    await rowsOf('CREATE TABLE shape (a INTEGER)');
    await rowsOf('INSERT INTO shape VALUES (1)');
    expect(await rowsOf('SELECT * FROM shape')).toEqual([['1']]);
    await rowsOf("DROP TABLE shape; CREATE TABLE shape (a VARCHAR, b VARCHAR); INSERT INTO shape VALUES ('x', 'y')");
    expect(await rowsOf('SELECT * FROM shape')).toEqual([['x', 'y']]);
    c.close();
  });
});

describe('session parameters', () => {
  it('re-sends ParameterStatus when SET changes a reported parameter, and only then', async () => {
    const c = await RawClient.ready(server.port);
    c.send(serialize.query("SET application_name = 'dash'; SET statement_timeout = '1s'"));
    const msgs = await c.until('readyForQuery');
    const statuses = msgs.filter((m) => m.name === 'parameterStatus').map((m) => [m.parameterName, m.parameterValue]);
    expect(statuses).toEqual([['application_name', 'dash']]);
    c.send(serialize.query("SET TimeZone = 'Europe/Paris'"));
    const tz = (await c.until('readyForQuery')).filter((m) => m.name === 'parameterStatus');
    expect(tz.map((m) => [m.parameterName, m.parameterValue])).toEqual([['TimeZone', 'Europe/Paris']]);
    c.send(serialize.query('BEGIN; SET application_name = inner; ROLLBACK'));
    const rolled = (await c.until('readyForQuery')).filter((m) => m.name === 'parameterStatus');
    expect(rolled.map((m) => m.parameterValue).at(-1)).toBe('dash');
    c.close();
  });

  it('applies startup parameters and -c options', async () => {
    const c = await RawClient.open(server.port);
    c.send(serialize.startup({ user: 'opt', database: 'sirius', application_name: 'boot', options: '-c statement_timeout=5s --search_path=public' }));
    const start = await c.until('readyForQuery');
    const statuses = Object.fromEntries(start.filter((m) => m.name === 'parameterStatus').map((m) => [m.parameterName, m.parameterValue]));
    expect(statuses.application_name).toBe('boot');
    c.send(serialize.query('SHOW statement_timeout'));
    const shown = (await c.until('readyForQuery')).find((m) => m.name === 'dataRow');
    expect(shown?.fields).toEqual(['5s']);
    c.close();
  });

  it('refuses a bad startup setting with FATAL', async () => {
    const c = await RawClient.open(server.port);
    c.send(serialize.startup({ user: 'opt', database: 'sirius', options: '-c statement_timeout=soon' }));
    const msgs = await c.until('error');
    expect(msgs.at(-1)).toMatchObject({ severity: 'FATAL', code: '22023' });
    expect(await c.closedByServer()).toBe(true);
  });
});
