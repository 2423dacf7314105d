import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('engine restart after DuckDB invalidates its database', () => {
  it('ends the sessions on the old instance with 57P01 and serves new sessions', async () => {
    const old = await server.client();
    const ended = new Promise<Error>((resolve) => old.on('error', resolve));
    await old.query('CREATE TABLE before_restart AS SELECT 1 AS a');
    const first = server.sirius.engine.instance;
    // DuckDB raises INTERNAL errors only on its own bugs (the peer tests found one through an ASOF
    // join); the engine reacts to the error text, which is what this feeds it.
    server.sirius.engine.noteFailure(new Error('INTERNAL Error: Attempted to dereference unique_ptr that is NULL!'));
    const err = (await ended) as Error & { code?: string };
    expect(err.code).toBe('57P01');
    expect(err.message).toMatch(/query engine restarted after an internal error/);
    expect(server.sirius.engine.instance).not.toBe(first);
    const fresh = await server.client();
    expect((await fresh.query('SELECT 42 AS ok')).rows).toEqual([{ ok: 42 }]);
    await expect(fresh.query('SELECT * FROM before_restart')).rejects.toMatchObject({ code: '42P01' });
    await fresh.end();
  });

  it('ignores ordinary errors', async () => {
    const c = await server.client();
    const before = server.sirius.engine.instance;
    await expect(c.query('SELECT * FROM nope')).rejects.toMatchObject({ code: '42P01' });
    expect(server.sirius.engine.instance).toBe(before);
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });
});
