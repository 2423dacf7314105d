import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPsql, type PsqlResult } from '../helpers/psql.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * The real psql 15 binary's meta-commands against Sirius: each runs its
 * catalog queries (see ../shared/compat/psql_meta_commands.txt) and prints
 * the telemetry views in schema public with PostgreSQL type names.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const psql = (...args: string[]): Promise<PsqlResult> => runPsql(server.port, ...args);

/** `-At` rows split into fields. */
const rows = (out: string): string[][] => out.trim().split('\n').filter(Boolean).map((l) => l.split('|'));

describe('psql meta-commands', () => {
  it('\\dv lists the telemetry views in schema public', async () => {
    const r = await psql('-At', '-c', '\\dv');
    expect(r.err).toBe('');
    const views = rows(r.out).map(([schema, name, type, owner]) => ({ schema, name, type, owner }));
    for (const name of ['blocks', 'log_entries', 'log_stats', 'measures', 'processes', 'streams']) {
      expect(views).toContainEqual({ schema: 'public', name, type: 'view', owner: 'sirius' });
    }
  });

  it('\\dt finds no tables (the views are views), and says so', async () => {
    const r = await psql('-c', '\\dt');
    expect(r.code).toBe(0);
    expect(r.err).toBe('Did not find any relations.\n');
  });

  it('\\dt and \\d list a table the session created, beside the views', async () => {
    const r = await psql('-At', '-c', 'CREATE TABLE scratch (id int NOT NULL, note text)', '-c', '\\dt', '-c', '\\d scratch', '-c', 'SELECT count(*) FROM "public"."scratch"');
    expect(r.err).toBe('');
    expect(r.out).toContain('public|scratch|table|sirius\n');
    expect(r.out).toContain('id|integer||not null|\nnote|text|||\n');
    expect(r.out.endsWith('\n0\n')).toBe(true);
  });

  it('\\dn lists schema public', async () => {
    const r = await psql('-At', '-c', '\\dn');
    expect(r.err).toBe('');
    expect(rows(r.out)).toEqual([['public', 'sirius']]);
  });

  it('\\l lists database sirius', async () => {
    const r = await psql('-At', '-c', '\\l');
    expect(r.err).toBe('');
    const [db] = rows(r.out);
    expect(db.slice(0, 3)).toEqual(['sirius', 'sirius', 'UTF8']);
  });

  it('\\df lists view_instance', async () => {
    const r = await psql('-At', '-c', '\\df');
    expect(r.err).toBe('');
    expect(rows(r.out)).toContainEqual(['public', 'view_instance', 'SETOF record', 'view_set text, instance_id text', 'func']);
  });

  it('\\d log_entries describes the view with PostgreSQL type names', async () => {
    const r = await psql('-c', '\\d log_entries');
    expect(r.err).toBe('');
    expect(r.out).toContain('View "public.log_entries"');
    const columns = new Map(
      r.out.split('\n').filter((l) => l.includes('|')).slice(1).map((l) => l.split('|').map((f) => f.trim())).map(([c, t]) => [c, t]),
    );
    expect(columns.get('time')).toBe('timestamp with time zone');
    expect(columns.get('level')).toBe('integer');
    expect(columns.get('msg')).toBe('text');
    expect([...columns.keys()]).toEqual(expect.arrayContaining(['process_id', 'exe', 'target', 'properties']));
  });

  it('\\d of an unknown relation fails like PostgreSQL', async () => {
    const r = await psql('-c', '\\d no_such_view');
    expect(r.err).toBe('Did not find any relation named "no_such_view".\n');
  });

  it('\\d+ log_entries shows the view definition', async () => {
    const r = await psql('-c', '\\d+ log_entries');
    expect(r.err).toBe('');
    expect(r.out).toContain('View definition:');
  });

  it('\\x switches to expanded output and \\timing prints the time', async () => {
    const r = await psql('-c', '\\x on', '-c', '\\timing on', '-c', 'SELECT count(*) FROM public.log_entries');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/Expanded display is on\.\nTiming is on\.\n-\[ RECORD 1 \]\ncount \| 0\n\nTime: \d+\.\d+ ms\n/);
  });

  it('runs a multi-statement -c with catalog and view queries', async () => {
    const r = await psql('-At', '-c', "SELECT count(*) FROM log_entries; SELECT current_database(), current_schema(); SELECT relkind FROM pg_class WHERE relname = 'measures'");
    expect(r.err).toBe('');
    expect(r.out).toBe('0\nsirius|public\nv\n');
  });
});
