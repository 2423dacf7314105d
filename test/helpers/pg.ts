import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL 15 that runs on this machine for tests (trust auth). */
export const TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  schema: string;
  /** A catalog URL that puts the catalog in this schema. */
  url: string;
  /** A client of the test database, for assertions on the raw tables. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named, empty schema in the test database, so suites can run in parallel. */
export async function createTestSchema(prefix = 'sirius_t'): Promise<TestSchema> {
  const schema = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } catch (err) {
    await client.end();
    throw err;
  }
  return {
    schema,
    url: `${TEST_PG_URL}?schema=${schema}`,
    query: (sql, params) => client.query(sql, params),
    async drop() {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
