import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { expectSqlError, sendProcess } from './retention-fixtures.js';

/**
 * With authentication on, the statements that keep, delete or change retention are for admin users
 * (users file `name:secret:admin`); anyone else gets 42501 with PostgreSQL's wording, and nothing
 * changes. The system views only read: everyone may use them.
 */
describe('retention and tail sampling need an admin when authentication is on', () => {
  let server: TestServer;
  let dir: string;
  let processId: string;
  let admin: pg.Client;
  let viewer: pg.Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sirius-retention-auth-'));
    const file = join(dir, 'users');
    writeFileSync(file, 'alice:alicepw:admin\nbob:bobpw\n');
    server = await startTestServer({ usersFile: file, maintenanceIntervalMs: 0 });
    processId = await sendProcess(server, 200, 41, { logs: 50, metrics: 10, spans: 10 });
    admin = await server.client({ user: 'alice', password: 'alicepw' });
    viewer = await server.client({ user: 'bob', password: 'bobpw' });
  });
  afterAll(async () => {
    await admin?.end();
    await viewer?.end();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused: [string, string][] = [
    ['keep_processes', "keep_processes('PID')"],
    ['unkeep_processes', "unkeep_processes('PID')"],
    ['set_retention_policy', "set_retention_policy('spans', '1 day')"],
    ['run_retention', 'run_retention()'],
    ['delete_process', "delete_process('PID')"],
  ];

  it.each(refused)('%s: 42501 for a user who is not an admin, and nothing changes', async (name, call) => {
    await expectSqlError(viewer, `SELECT * FROM ${call.replace('PID', processId)}`, '42501', new RegExp(`^permission denied for function ${name}$`));
    expect(await server.sirius.ingest.catalog.getProcess(processId)).toBeDefined();
    expect(await server.sirius.ingest.catalog.retention.listKeptProcesses()).toEqual([]);
    expect(await server.sirius.ingest.catalog.retention.listRetentionPolicies()).toEqual([]);
  });

  it('lets anyone read the system views and the policies', async () => {
    for (const fn of ['storage_by_kind()', 'storage_by_process()', 'blocks_by_view_set()', 'partition_stats()', 'cache_stats()', 'decoded_blocks()', 'maintenance_history()', 'retention_history()', 'list_kept_processes()', 'list_retention_policies()', `list_span_streams('${processId}')`]) {
      const r = await viewer.query(`SELECT * FROM ${fn}`);
      expect(r.fields.length, fn).toBeGreaterThan(0);
    }
    const mine = await viewer.query('SELECT blocks FROM storage_by_process()');
    expect(Number(mine.rows[0].blocks)).toBeGreaterThan(0);
  });

  it('lets an admin keep, unkeep, run retention and delete a process', async () => {
    expect((await admin.query(`SELECT process_id FROM keep_processes('${processId}')`)).rows).toEqual([{ process_id: processId }]);
    expect((await admin.query('SELECT blocks_deleted FROM run_retention()')).rows).toEqual([{ blocks_deleted: '0' }]);
    expect((await admin.query(`SELECT * FROM unkeep_processes('${processId}')`)).rows).toEqual([{ process_id: processId }]);
    expect((await admin.query(`SELECT processes_deleted FROM delete_process('${processId}')`)).rows).toEqual([{ processes_deleted: '1' }]);
  });
});
