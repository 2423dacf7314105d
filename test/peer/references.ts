/**
 * The two reference engines the converter tests compare against: PostgreSQL 15 (the text
 * forms a PostgreSQL client reads) and DuckDB 1.5 (the renderings DuckDB's runner compares).
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { TEXT_TYPES } from './wire.js';

/** The reference PostgreSQL 15 of these machines (same as test/helpers/sirius.ts, without importing the server). */
const referencePg: pg.ClientConfig = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

export interface References {
  /** The PostgreSQL text form of each row's first column. */
  pg(sql: string, params?: unknown[]): Promise<(string | null)[]>;
  /** DuckDB's VARCHAR rendering of each row's first column. */
  duck(sql: string): Promise<(string | null)[]>;
  /** typeof() of the first column of `sql`, as DuckDB prints type names. */
  duckType(sql: string): Promise<string>;
  close(): Promise<void>;
}

export async function openReferences(timeZone = 'UTC'): Promise<References> {
  const client = new pg.Client({ ...referencePg, types: TEXT_TYPES });
  await client.connect();
  await client.query(`SET TimeZone = '${timeZone}'`);
  await client.query("SET IntervalStyle = 'postgres'");
  const instance = await DuckDBInstance.create(':memory:');
  const duck: DuckDBConnection = await instance.connect();
  await duck.run(`SET TimeZone = '${timeZone}'`);
  return {
    async pg(sql, params) {
      const r = await client.query({ text: sql, values: params, rowMode: 'array' });
      return r.rows.map((row: (string | null)[]) => row[0]);
    },
    async duck(sql) {
      const r = await duck.runAndReadAll(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (${sql})`);
      return r.getRows().map((row) => (row[0] === null ? null : String(row[0])));
    },
    async duckType(sql) {
      const r = await duck.runAndReadAll(`SELECT typeof(COLUMNS(*)) FROM (${sql}) LIMIT 1`);
      return String(r.getRows()[0][0]);
    },
    async close() {
      await client.end();
      duck.closeSync();
      instance.closeSync();
    },
  };
}
