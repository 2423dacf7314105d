import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serverWith(method: 'scram-sha-256' | 'md5' | 'password'): Promise<TestServer> {
  const s = await startTestServer({ password: 's3cret', authMethod: method });
  servers.push(s);
  return s;
}

describe.each(['scram-sha-256', 'md5', 'password'] as const)('%s authentication', (method) => {
  it('accepts the right password and refuses a wrong one with 28P01', async () => {
    const s = await serverWith(method);
    const ok = await s.client({ user: 'alice', password: 's3cret' });
    expect((await ok.query('SELECT current_user IS NOT NULL AS x')).rows).toHaveLength(1);
    await ok.end();
    const bad = new pg.Client(s.pgConfig({ user: 'alice', password: 'nope' }));
    await expect(bad.connect()).rejects.toMatchObject({
      code: '28P01',
      severity: 'FATAL',
      message: 'password authentication failed for user "alice"',
    });
  });
});

describe('SCRAM with other clients', () => {
  it('logs in with postgres.js and with psql', async () => {
    const s = await serverWith('scram-sha-256');
    const sql = postgres({ host: s.host, port: s.port, database: 'sirius', username: 'bob', password: 's3cret', max: 1 });
    expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    await sql.end();
    const { stdout } = await promisify(execFile)('psql', [`host=127.0.0.1 port=${s.port} dbname=sirius user=bob`, '-Atc', 'SELECT 7'], {
      env: { ...process.env, PGPASSWORD: 's3cret' },
    });
    expect(stdout).toBe('7\n');
  });

  it('reads users and admins from a users file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirius-users-'));
    const file = join(dir, 'users');
    writeFileSync(file, '# users\ncarol:pw1:admin\ndave:pw2\n');
    const s = await startTestServer({ usersFile: file });
    servers.push(s);
    const carol = await s.client({ user: 'carol', password: 'pw1' });
    await carol.end();
    const dave = await s.client({ user: 'dave', password: 'pw2' });
    await dave.end();
    await expect(new pg.Client(s.pgConfig({ user: 'dave', password: 'pw1' })).connect()).rejects.toMatchObject({ code: '28P01' });
    await expect(new pg.Client(s.pgConfig({ user: 'eve', password: 'pw1' })).connect()).rejects.toMatchObject({
      code: '28P01',
      message: 'password authentication failed for user "eve"',
    });
  });
});

describe('listener safety', () => {
  it('refuses to listen on a non-loopback address without a password', async () => {
    await expect(startTestServer({ pgHost: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication/);
  });
});
