import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCancel } from '../helpers/cancel.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxConnections: 5, memoryLimit: '256MB' });
});

afterAll(async () => {
  await server?.close();
});

/** A query that runs for many seconds in DuckDB unless interrupted. */
const SLOW = 'SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3';

describe('cancel and timeouts', () => {
  it('CancelRequest interrupts the running query with 57014 and the session stays usable', async () => {
    const c = await server.client();
    const started = Date.now();
    const running = c.query(SLOW).then(
      () => null,
      (e: pg.DatabaseError) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    // the CancelRequest a driver sends, on a new connection, with the session's BackendKeyData
    const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
    await sendCancel(server.port, processID, secretKey);
    const err = await running;
    expect(err).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });

  it('honours statement_timeout', async () => {
    const c = await server.client();
    await c.query("SET statement_timeout = '200ms'");
    await expect(c.query(SLOW)).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    await c.query('SET statement_timeout = 0');
    expect((await c.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
    await c.end();
  });
});

describe('resource limits', () => {
  it('fails an oversized query with 53200 and keeps serving', async () => {
    const c = await server.client();
    await expect(
      c.query("SELECT list(repeat('x', 1000) || range::VARCHAR) FROM range(2000000)"),
    ).rejects.toMatchObject({ code: '53200' });
    expect((await c.query('SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }]);
    await c.end();
  });

  it('refuses connections beyond SIRIUS_MAX_CONNECTIONS with 53300', async () => {
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 5; i++) clients.push(await server.client());
      const extra = new pg.Client(server.pgConfig());
      await expect(extra.connect()).rejects.toMatchObject({ code: '53300', message: 'sorry, too many clients already' });
      await clients.pop()!.end();
      await new Promise((r) => setTimeout(r, 100));
      const again = await server.client();
      clients.push(again);
      expect((await again.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('cleans sessions up on disconnect', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const before = server.sirius.pg.connectionCount;
    const c = await server.client();
    await c.query('SELECT 1');
    expect(server.sirius.pg.connectionCount).toBe(before + 1);
    await c.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.sirius.pg.connectionCount).toBe(before);
  });
});

describe('TLS', () => {
  it('upgrades on SSLRequest when a certificate is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirius-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tlsServer = await startTestServer({ tlsCert: cert, tlsKey: key });
    try {
      const c = new pg.Client(tlsServer.pgConfig({ ssl: { rejectUnauthorized: false } }));
      await c.connect();
      const r = await c.query('SELECT 5 AS five');
      expect(r.rows).toEqual([{ five: 5 }]);
      expect((c as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream.encrypted).toBe(true);
      await c.end();
    } finally {
      await tlsServer.close();
    }
  });
});
