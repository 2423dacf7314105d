import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import { cancelClient } from '../helpers/cancel.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * statement_timeout and CancelRequest reach a statement that waits for cold
 * partitions to build (DuckDB's interrupt cannot: no DuckDB query runs yet).
 * The build itself goes on, so the next query finds the partition built.
 */
let server: TestServer;
let pid: string;

beforeAll(async () => {
  server = await startTestServer();
  const r = await generate({
    url: server.ingestUrl, processes: 1, logEvents: 400_000, metricEvents: 0, spanEvents: 0,
    startUs: Date.UTC(2026, 0, 1) * 1000, durationUs: 3_600_000_000, seed: 3, timeoutMs: 60_000, blockEvents: 8192,
  });
  expect(r.acknowledged).toBe(true);
  pid = r.processIds[0];
});

afterAll(async () => {
  await server?.close();
});

async function waitForPartition(c: pg.Client, viewSet: string, instance: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await c.query(`SELECT count(*)::INTEGER AS n FROM list_partitions() WHERE view_set_name = $1 AND view_instance_id = $2`, [viewSet, instance]);
    if (r.rows[0].n > 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no ${viewSet}/${instance} partition was built`);
}

describe('canceling a statement that waits for a partition build', () => {
  it('statement_timeout ends the wait with 57014 and the build completes for the next query', async () => {
    const c = await server.client();
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    await c.query("SET statement_timeout = '20ms'");
    const err = await c.query(`SELECT count(*) FROM view_instance('log_entries', '${pid}')`).then(() => null, (e: pg.DatabaseError) => e);
    expect(err).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    // it was waiting for the build: announced, not finished
    expect(notices.some((m) => /log_entries\/.*to build/.test(m))).toBe(true);
    expect(notices.some((m) => /^built /.test(m))).toBe(false);
    await c.query('SET statement_timeout = 0');
    await waitForPartition(c, 'log_entries', pid);
    notices.length = 0;
    const n = await c.query(`SELECT count(*)::INTEGER AS n FROM view_instance('log_entries', '${pid}')`);
    expect(n.rows).toEqual([{ n: 400_000 }]);
    expect(notices.some((m) => /to build/.test(m))).toBe(false);
    await c.end();
  });

  it('a CancelRequest ends the wait with 57014 and the session stays usable', async () => {
    const c = await server.client();
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    // log_stats of the process: a view set nobody built yet
    const running = c.query(`SELECT count(*) FROM view_instance('measures', '${pid}'), log_stats`).then(() => null, (e: pg.DatabaseError) => e);
    for (let i = 0; i < 5000 && !notices.some((m) => /to build/.test(m)); i++) await new Promise((r) => setTimeout(r, 2));
    expect(notices.some((m) => /to build/.test(m))).toBe(true);
    await cancelClient(server.port, c);
    expect(await running).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });
});
