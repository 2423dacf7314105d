import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEW_SETS } from '../../../src/views/registry.js';
import { createTestSchema, type TestSchema } from '../../helpers/pg.js';
import type { TestServer } from '../../helpers/sirius.js';
import { GENERATED, pgTarget, runProgram, startGenerated, type CheckResult, type Results } from '../drivers/harness.js';
import { javaClassPath } from '../drivers/java.js';

/**
 * What Metabase's PostgreSQL driver does through pgjdbc (test/compat/drivers/java/MetabaseSync.java):
 * connection set-up, sync through DatabaseMetaData plus its privilege and enum queries, the
 * read-only cursor with a fetch size, a query timeout and a friendly error. Run against
 * PostgreSQL 15 on a small schema with a primary and a foreign key (the program's own check)
 * and against Sirius with generated telemetry, where the expectations come from the view
 * definitions and the generator.
 */
/** PostgreSQL type names (pg_type.typname, what pgjdbc reports as TYPE_NAME) of the DuckDB types the views use. */
const TYPNAME: Record<string, string> = { VARCHAR: 'text', INTEGER: 'int4', BIGINT: 'int8', DOUBLE: 'float8', JSON: 'json', 'TIMESTAMP WITH TIME ZONE': 'timestamptz', 'VARCHAR[]': '_text' };

let server: TestServer | undefined;
let schema: TestSchema | undefined;
let onPg: Results = {};
let onSirius: Results = {};

beforeAll(async () => {
  const started = await startGenerated();
  server = started.server;
  schema = await createTestSchema('sirius_mb');
  await schema.query(`CREATE TABLE "${schema.schema}".events (id int4 PRIMARY KEY, time timestamptz NOT NULL, msg text)`);
  await schema.query(`CREATE TABLE "${schema.schema}".notes (id int4 PRIMARY KEY, event_id int4 REFERENCES "${schema.schema}".events (id), note text)`);
  const cp = await javaClassPath();
  [onPg, onSirius] = await Promise.all([
    runProgram('java', ['-cp', cp, 'MetabaseSync', schema.schema, 'notes', 'SELECT i FROM generate_series(1, 600) AS s(i)'], pgTarget),
    runProgram('java', ['-cp', cp, 'MetabaseSync', 'public', 'log_entries', 'SELECT level FROM log_entries'], started.target),
  ]);
}, 180_000);

afterAll(async () => {
  await schema?.drop();
  await server?.close();
});

function ok(r: Results, name: string, where: string): unknown {
  const got: CheckResult | undefined = r[name];
  expect(got?.ok, `${name} on ${where}: ${got ? `${got.error?.sqlstate}: ${got.error?.message}` : 'not reported'}`).toBe(true);
  return got.value;
}

describe('Metabase through pgjdbc, on PostgreSQL 15 (the program itself)', () => {
  it('syncs a schema with keys and runs the query flow', () => {
    expect(ok(onPg, 'connection set-up', 'PostgreSQL')).toEqual(['1', 'a time zone', 1]);
    expect(ok(onPg, 'getTables', 'PostgreSQL')).toEqual(['events', 'notes']);
    expect(ok(onPg, 'getPrimaryKeys', 'PostgreSQL')).toEqual(['id']);
    expect(ok(onPg, 'getImportedKeys', 'PostgreSQL')).toEqual(['event_id']);
    expect(ok(onPg, 'read-only cursor with fetch size', 'PostgreSQL')).toEqual([600, (600 * 601) / 2]);
    expect(ok(onPg, 'query timeout cancels', 'PostgreSQL')).toEqual(['57014', '2']);
    expect((ok(onPg, 'friendly error', 'PostgreSQL') as string[])[0]).toBe('42703');
  });

  it("runs Metabase's own tables, fields and foreign-key SQL", () => {
    const s = schema?.schema;
    expect((ok(onPg, 'metabase: tables SQL', 'PostgreSQL') as string[][]).map((r) => [r[1], r[2]])).toEqual([['events', 'TABLE'], ['notes', 'TABLE']]);
    expect(ok(onPg, 'metabase: fields SQL', 'PostgreSQL')).toEqual([
      ['id', 'int4', '0', s, 'notes', 'true', 'null', 'true', 'false'],
      ['event_id', 'int4', '1', s, 'notes', 'false', 'null', 'false', 'false'],
      ['note', 'text', '2', s, 'notes', 'false', 'null', 'false', 'false'],
    ]);
    expect(ok(onPg, 'metabase: foreign keys SQL', 'PostgreSQL')).toEqual([[s, 'notes', 'event_id', s, 'events', 'id']]);
  });
});

describe('Metabase through pgjdbc, on Sirius', () => {
  const logEntries = VIEW_SETS.find((v) => v.name === 'log_entries');

  it('connection set-up: isolation, read-only, show timezone', () => {
    expect(ok(onSirius, 'connection set-up', 'Sirius')).toEqual(ok(onPg, 'connection set-up', 'PostgreSQL'));
  });

  it('getSchemas lists public beside the system schemas, like PostgreSQL', () => {
    const schemas = ok(onSirius, 'getSchemas', 'Sirius') as string[];
    expect(schemas).toEqual(expect.arrayContaining(['information_schema', 'pg_catalog', 'public']));
  });

  it('getTables lists every global view in public', () => {
    const tables = ok(onSirius, 'getTables', 'Sirius') as string[];
    expect(tables).toEqual(expect.arrayContaining(VIEW_SETS.filter((v) => v.global).map((v) => v.name)));
  });

  it('getColumns gives log_entries columns in order with PostgreSQL type names', () => {
    const cols = ok(onSirius, 'getColumns', 'Sirius') as [string, string, number, string][];
    expect(cols.map(([name, type, pos]) => [name, type, pos])).toEqual(logEntries?.columns.map((c, i) => [c.name, TYPNAME[c.type] ?? `unmapped ${c.type}`, i + 1]));
  });

  it("Metabase's tables SQL lists every global view as a VIEW", () => {
    const rows = ok(onSirius, 'metabase: tables SQL', 'Sirius') as string[][];
    for (const v of VIEW_SETS.filter((x) => x.global)) expect(rows.map((r) => [r[0], r[1], r[2]])).toContainEqual(['public', v.name, 'VIEW']);
  });

  it("Metabase's fields SQL types log_entries by udt_name", () => {
    expect(ok(onSirius, 'metabase: fields SQL', 'Sirius')).toEqual(
      logEntries?.columns.map((c, i) => [c.name, TYPNAME[c.type] ?? `unmapped ${c.type}`, String(i), 'public', 'log_entries', 'false', 'null', 'false', 'false']),
    );
  });

  it("Metabase's foreign-key SQL finds none", () => {
    expect(ok(onSirius, 'metabase: foreign keys SQL', 'Sirius')).toEqual([]);
  });

  it('getPrimaryKeys: none (views have no keys)', () => {
    expect(ok(onSirius, 'getPrimaryKeys', 'Sirius')).toEqual([]);
  });

  it('getImportedKeys: none', () => {
    expect(ok(onSirius, 'getImportedKeys', 'Sirius')).toEqual([]);
  });

  it('privileges: select and schema usage granted on the view', () => {
    expect(ok(onSirius, 'privileges', 'Sirius')).toEqual([['public', 'log_entries', 'true', 'true', 'true']]);
  });

  it('enums: none', () => {
    expect(ok(onSirius, 'enums', 'Sirius')).toEqual([]);
  });

  it('read-only cursor with fetch size 50 reads every log row', () => {
    const levels = Array.from({ length: GENERATED.logsPerProcess }, (_, i) => (i % 6) + 1);
    const sum = levels.reduce((s, x) => s + x, 0) * GENERATED.processes;
    expect(ok(onSirius, 'read-only cursor with fetch size', 'Sirius')).toEqual([GENERATED.logsPerProcess * GENERATED.processes, sum]);
  });

  it('Statement.setQueryTimeout cancels with 57014 and the connection stays usable', () => {
    expect(ok(onSirius, 'query timeout cancels', 'Sirius')).toEqual(['57014', '2']);
  });

  it('an unknown column is 42703 with a message naming it', () => {
    const [state, message, after] = ok(onSirius, 'friendly error', 'Sirius') as string[];
    expect(state).toBe('42703');
    expect(message).toContain('no_such_column');
    expect(after).toBe('3');
  });
});
