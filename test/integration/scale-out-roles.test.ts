import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/process.js';
import { spawnNode } from '../helpers/scale-out.js';

/** `sirius serve --roles …` / SIRIUS_ROLES on the embedded catalog (the PostgreSQL topology: scale-out.test.ts). */
function serve(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, _out, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
}

describe('serve --roles', () => {
  it('refuses unknown roles and an empty list, naming the valid ones (exit 2)', async () => {
    const flag = await serve(['--roles', 'pgwire,query']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("sirius: --roles: unknown role 'query'; the roles are pgwire, ingest, maintain");
    const env = await serve([], { SIRIUS_ROLES: 'ingest,bogus,x' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("sirius: SIRIUS_ROLES: unknown roles 'bogus', 'x'");
    const empty = await serve(['--roles', ' , ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--roles: expected one or more of pgwire, ingest, maintain');
  });

  it('starts only what the roles name', async () => {
    const loadsDuckDb = (pid: number): boolean => readFileSync(`/proc/${pid}/maps`, 'utf8').includes('duckdb');
    const ingest = await spawnNode('ingest', {});
    const query = await spawnNode('pgwire', { SIRIUS_MAINTENANCE_INTERVAL_MS: '1000' });
    const maintain = await spawnNode('maintain', { SIRIUS_MAINTENANCE_INTERVAL_MS: '1000' });
    try {
      expect([ingest.pgPort, ingest.ingestUrl !== '', loadsDuckDb(ingest.pid)]).toEqual([0, true, false]);
      expect((await fetch(`${ingest.ingestUrl}/ready`)).status).toBe(200);
      // pgwire alone: no ingestion listener and no maintenance loop, whatever the interval says.
      expect([query.pgPort > 0, query.ingestUrl, /maintenance loop/.test(query.stderr())]).toEqual([true, '', false]);
      const c = await query.client();
      expect((await c.query('SELECT count(*)::int AS n FROM log_entries')).rows).toEqual([{ n: 0 }]);
      await c.end();
      expect([maintain.pgPort, maintain.ingestUrl, /maintenance loop running/.test(maintain.stderr())]).toEqual([0, '', true]);
      expect(maintain.stderr()).toContain('node ready — roles maintain');
    } finally {
      await Promise.all([ingest.stop(), query.stop(), maintain.stop()]);
    }
  }, 90_000);
});
