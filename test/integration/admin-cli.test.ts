import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { sendProcess } from './retention-fixtures.js';

/**
 * `sirius admin …` as a user runs it: the built CLI, spawned, against a real server (npm test builds
 * dist first). Its output is the server's answer; its progress comes from the server's NOTICEs.
 */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function admin(server: TestServer, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'admin', '--pg-host', server.host, '--pg-port', String(server.port), ...args], {
      env: { ...process.env, SIRIUS_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sirius admin (trust: every user is an admin)', () => {
  let server: TestServer;
  let old: string;
  let recent: string;
  beforeAll(async () => {
    server = await startTestServer({ maintenanceIntervalMs: 0, retiredGraceMs: 0 });
    old = await sendProcess(server, 200, 21);
    recent = await sendProcess(server, 0.1, 22);
  });
  afterAll(async () => server?.close());

  it('status prints storage per kind, policies, partitions, cache, decoded blocks and runs', async () => {
    const r = await admin(server, ['status']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const title of ['Storage by stream kind', 'Retention policies', 'Partitions', 'Partition cache (this server)', 'Blocks decoded per view set (this server)', 'Kept processes', 'Recent retention runs']) {
      expect(r.stdout).toContain(`${title}\n`);
    }
    const logLine = r.stdout.split('\n').find((l) => l.startsWith(' log '));
    // two processes, one log stream each
    expect(logLine?.split('|').map((c) => c.trim()).slice(0, 2)).toEqual(['log', '2']);
  });

  it('keep and unkeep by id, with an expiry, and list the kept processes', async () => {
    const kept = await admin(server, ['keep', old, '--expires', '30 days']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(old);
    expect(kept.stderr).toContain('keep_processes: 1 process(es) kept');
    const list = await admin(server, ['kept']);
    expect(list.stdout).toMatch(/\(1 row\)/);
    const un = await admin(server, ['unkeep', old]);
    expect(un.stdout).toContain(old);
    expect((await admin(server, ['kept'])).stdout).toMatch(/\(0 rows\)/);
  });

  it('retention run deletes the expired process and draws a progress bar from the NOTICEs', async () => {
    const r = await admin(server, ['--progress', 'bar', 'retention', 'run']);
    expect(r.code).toBe(0);
    const bar = /\r\[#{30}\] (\d+)\/(\d+) expired block\(s\) deleted/.exec(r.stderr);
    expect(bar).not.toBeNull();
    expect(bar![1]).toBe(bar![2]);
    expect(r.stderr).toContain('\r[------------------------------] 0/');
    const row = r.stdout.split('\n')[2].split('|').map((c) => c.trim());
    expect(row[1]).toBe(bar![1]); // blocks_deleted
    expect(row[5]).toBe('1'); // processes_deleted
    expect(await server.sirius.ingest.catalog.getProcess(old)).toBeUndefined();
    const history = await admin(server, ['retention', 'history']);
    expect(history.stdout).toMatch(/ sql +\|/);
  });

  it('sets a policy, lists span streams, and deletes a process with progress lines', async () => {
    const set = await admin(server, ['retention', 'set', 'spans', '14 days']);
    expect(set.stdout).toMatch(/ spans +\| cpu, async +\| 14 days +\| \d+ +\| catalog/);
    const spans = await admin(server, ['spans', recent]);
    expect(spans.stdout).toContain(`SELECT * FROM view_instance('thread_spans', '`);
    const del = await admin(server, ['--progress', 'lines', 'delete-process', recent]);
    expect(del.code).toBe(0);
    expect(del.stderr).toMatch(/^delete_process: 0\/\d+ block\(s\) deleted$/m);
    expect(await server.sirius.ingest.catalog.getProcess(recent)).toBeUndefined();
  });

  it('reports a refused statement with its SQLSTATE and exits 1, and a bad command with usage and 2', async () => {
    const r = await admin(server, ['delete-process', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('sirius admin: ERROR 22P02: invalid input syntax for type uuid: "nope"\n');
    const bad = await admin(server, ['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
    expect(bad.stderr).toContain('usage: sirius admin');
  });
});

describe('sirius admin with authentication', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sirius-admin-cli-'));
    const file = join(dir, 'users');
    writeFileSync(file, 'root:rootpw:admin\nviewer:viewerpw\n');
    server = await startTestServer({ usersFile: file, maintenanceIntervalMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an admin run retention and refuses another user with 42501', async () => {
    const ok = await admin(server, ['--user', 'root', 'retention', 'run'], { SIRIUS_PASSWORD: 'rootpw' });
    expect(ok.code).toBe(0);
    const refused = await admin(server, ['--user', 'viewer', '--password', 'viewerpw', 'retention', 'run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('sirius admin: ERROR 42501: permission denied for function run_retention');
    // reading is for everyone
    expect((await admin(server, ['--user', 'viewer', '--password', 'viewerpw', 'kept'])).code).toBe(0);
  });
});
