import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEW_SETS } from '../../../src/views/registry.js';
import { referencePg, startTestServer, type TestServer } from '../../helpers/sirius.js';
import { searchPathSchemas as SCHEMA_CONSTRAINT } from '../client-queries.js';

/**
 * Grafana's "Save & test" and its config page and query builder, against Sirius and PostgreSQL 15:
 * - health check: sqleng.CheckHealth → database/sql Ping → lib/pq `;` (Grafana ≤ 11); the pgx
 *   engine pings with pgconn's `-- ping` (Grafana 12);
 * - version and TimescaleDB probes (postgresMetaQuery.ts getVersion/getTimescaleDBVersion,
 *   configuration/useAutoDetectFeatures.ts);
 * - the query builder's schema/table/column listing (showSchemas/showTables/getSchema).
 */
const SHOW_SCHEMAS = `SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema',
                              'pg_catalog',
                              'pg_toast',
                              '_timescaledb_cache',
                              '_timescaledb_catalog',
                              '_timescaledb_internal',
                              '_timescaledb_config',
                              'timescaledb_information',
                              'timescaledb_experimental')
    ORDER BY schema_name`;
const SHOW_TABLES = `SELECT
    CASE WHEN ${SCHEMA_CONSTRAINT}
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN ${SCHEMA_CONSTRAINT} THEN 0 ELSE 1 END, 1`;
const getSchema = (table: string): string => {
  const t = `'${table.replace(/'/g, "''")}'`;
  return `SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident(${t}),1) = 2
        THEN quote_ident(table_schema) = (parse_ident(${t}))[1]
          AND quote_ident(table_name) = (parse_ident(${t}))[2]
        ELSE quote_ident(table_name) = ${t}
          AND ${SCHEMA_CONSTRAINT}
      END`;
};
/** PostgreSQL's data_type for the DuckDB types the views use (docs/types.md). */
const DATA_TYPE: Record<string, string> = {
  VARCHAR: 'text', INTEGER: 'integer', BIGINT: 'bigint', DOUBLE: 'double precision', JSON: 'json',
  'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone', 'VARCHAR[]': 'ARRAY', UBIGINT: 'numeric', BOOLEAN: 'boolean',
};

let server: TestServer;
let sirius: pg.Client;
let reference: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  sirius = await server.client();
  reference = new pg.Client(referencePg);
  await reference.connect();
});

afterAll(async () => {
  await sirius?.end();
  await reference?.end();
  await server?.close();
});

describe('Grafana health check and config-page probes', () => {
  for (const ping of [';', '-- ping']) {
    it(`"Save & test" ping ${JSON.stringify(ping)} is an empty query, as on PostgreSQL`, async () => {
      const [s, p] = [await sirius.query(ping), await reference.query(ping)];
      expect({ command: s.command, rows: s.rows }).toEqual({ command: p.command, rows: p.rows });
      expect((await sirius.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    });
  }

  it('version probe: current_setting(server_version_num)::int/100 reads as 1500', async () => {
    const sql = "SELECT current_setting('server_version_num')::int/100 as version";
    const [s, p] = [await sirius.query(sql), await reference.query(sql)];
    // the frontend reads the value with parseInt / Number
    expect(Number(s.rows[0].version)).toBe(Number(p.rows[0].version));
    expect(Number(s.rows[0].version)).toBe(1500);
  });

  it('TimescaleDB probe finds no extension', async () => {
    const sql = "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'";
    const [s, p] = [await sirius.query(sql), await reference.query(sql)];
    expect(s.fields.map((f) => f.name)).toEqual(p.fields.map((f) => f.name));
    expect(s.rows).toEqual([]);
  });

  it('query builder: schemas include public', async () => {
    const r = await sirius.query(SHOW_SCHEMAS);
    expect(r.fields.map((f) => f.name)).toEqual(['name']);
    expect(r.rows.map((x) => x.name)).toContain('public');
  });

  it('query builder: tables list every global view unqualified (public is on the search_path)', async () => {
    const r = await sirius.query(SHOW_TABLES);
    const tables = r.rows.map((x) => x.table as string);
    for (const v of VIEW_SETS.filter((x) => x.global)) expect(tables).toContain(v.name);
  });

  it('query builder: columns of log_entries and measures with PostgreSQL data_type names', async () => {
    for (const name of ['log_entries', 'measures']) {
      const view = VIEW_SETS.find((v) => v.name === name);
      const r = await sirius.query(getSchema(name));
      // quote_ident as PostgreSQL 15 applies it (keywords such as "time" are quoted)
      const quoted = await reference.query<{ q: string }>('SELECT quote_ident(c) AS q FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n) ORDER BY n', [view?.columns.map((c) => c.name)]);
      const expected = view?.columns.map((c, i) => ({ column: quoted.rows[i].q, type: DATA_TYPE[c.type] ?? `unmapped ${c.type}` }));
      expect(r.rows.slice().sort((a, b) => a.column.localeCompare(b.column))).toEqual(expected?.slice().sort((a, b) => a.column.localeCompare(b.column)));
    }
  });
});
