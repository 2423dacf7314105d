import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caretPosition, toPgError } from '../../../src/engine/errors.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { SqlState } from '../../../src/wire/sqlstate.js';

/**
 * Every mapping is pinned by triggering the real DuckDB error. Where PostgreSQL
 * has the same failure, the expected SQLSTATE (and position) is checked against
 * the real PostgreSQL 15 too, so the expectations come from the reference.
 */

interface Case {
  sql: string;
  code: string;
  message: RegExp;
  /** Expected ErrorResponse position, when DuckDB marks one. */
  position?: number;
  /** The same failure on PostgreSQL: its SQLSTATE must be `code` (and its position ours, if `samePosition`). */
  pg?: { sql: string; setup?: string; samePosition?: boolean };
}

const DUCK_SETUP = `
  CREATE TABLE t(a INT PRIMARY KEY, b INT NOT NULL, c INT CHECK (c > 0), s VARCHAR UNIQUE);
  INSERT INTO t VALUES (1, 1, 1, 'a');
  CREATE TABLE t2(a INT, b INT);
  CREATE TABLE parent(id INT PRIMARY KEY); CREATE TABLE child(pid INT REFERENCES parent(id));`;
const PG_SETUP = `
  CREATE TEMP TABLE t(a INT PRIMARY KEY, b INT NOT NULL, c INT CHECK (c > 0), s VARCHAR UNIQUE);
  INSERT INTO t VALUES (1, 1, 1, 'a');
  CREATE TEMP TABLE t2(a INT, b INT);
  CREATE TEMP TABLE parent(id INT PRIMARY KEY); CREATE TEMP TABLE child(pid INT REFERENCES parent(id));`;

const same = (sql: string, samePosition = false) => ({ sql, samePosition });

const CASES: Case[] = [
  { sql: 'SELECT * FROM nosuch', code: SqlState.UndefinedTable, message: /^Table with name nosuch does not exist!$/, position: 15, pg: same('SELECT * FROM nosuch', true) },
  { sql: 'SELECT * FROM nosuchschema.tbl', code: SqlState.UndefinedTable, message: /does not exist because schema/, pg: same('SELECT * FROM nosuchschema.tbl') },
  { sql: 'SELECT nosuchcol FROM t', code: SqlState.UndefinedColumn, message: /^Referenced column "nosuchcol" not found/, position: 8, pg: same('SELECT nosuchcol FROM t', true) },
  { sql: 'SELECT nosuch', code: SqlState.UndefinedColumn, message: /FROM clause is missing/, position: 8, pg: same('SELECT nosuch', true) },
  { sql: 'SELECT t2.nosuch FROM t2', code: SqlState.UndefinedColumn, message: /does not have a column named/, pg: same('SELECT t2.nosuch FROM t2') },
  { sql: 'INSERT INTO t2 (z) VALUES (1)', code: SqlState.UndefinedColumn, message: /does not have a column with name "z"/, pg: same('INSERT INTO t2 (z) VALUES (1)') },
  { sql: 'SELECT x.a FROM t2', code: SqlState.UndefinedTable, message: /^Referenced table "x" not found/, pg: same('SELECT x.a FROM t2') },
  { sql: 'SELECT nosuchfn(1)', code: SqlState.UndefinedFunction, message: /^Scalar Function with name nosuchfn does not exist!$/, position: 8, pg: same('SELECT nosuchfn(1)', true) },
  { sql: 'SELECT lower(1, 2)', code: SqlState.UndefinedFunction, message: /^No function matches the given name and argument types/, position: 8, pg: same('SELECT lower(1, 2)', true) },
  { sql: "SELECT '1' + '1'", code: SqlState.AmbiguousFunction, message: /^Could not choose a best candidate function/, pg: same("SELECT '1' + '1'") },
  { sql: 'SELEC 1', code: SqlState.SyntaxError, message: /^syntax error at or near "SELEC"$/, position: 1, pg: same('SELEC 1', true) },
  { sql: 'SELECT 1 FROM', code: SqlState.SyntaxError, message: /^syntax error at end of input$/, pg: same('SELECT 1 FROM') },
  { sql: "SELECT 'abc'::int", code: SqlState.InvalidTextRepresentation, message: /^Could not convert string 'abc' to INT32$/, position: 13, pg: same("SELECT 'abc'::int") },
  { sql: "SELECT 'x'::uuid", code: SqlState.InvalidTextRepresentation, message: /Could not convert string 'x'/, pg: same("SELECT 'x'::uuid") },
  { sql: "SELECT 'x'::json", code: SqlState.InvalidTextRepresentation, message: /^Malformed JSON/, pg: same("SELECT 'x'::json") },
  { sql: "SELECT 'abc'::date", code: SqlState.InvalidDatetimeFormat, message: /^invalid date field format/, position: 13, pg: same("SELECT 'abc'::date") },
  { sql: "SELECT TIMESTAMP 'abc'", code: SqlState.InvalidDatetimeFormat, message: /^invalid timestamp field format/, pg: same("SELECT TIMESTAMP 'abc'") },
  { sql: "SELECT 'abc'::interval", code: SqlState.InvalidDatetimeFormat, message: /to INTERVAL$/, pg: same("SELECT 'abc'::interval") },
  { sql: "SELECT '2020-13-45'::date", code: SqlState.DatetimeFieldOverflow, message: /^date field value out of range/, pg: same("SELECT '2020-13-45'::date") },
  { sql: "SELECT '2020-01-01 25:00:00'::timestamp", code: SqlState.DatetimeFieldOverflow, message: /^timestamp field value out of range/, pg: same("SELECT '2020-01-01 25:00:00'::timestamp") },
  { sql: 'SELECT 70000::smallint', code: SqlState.NumericValueOutOfRange, message: /out of range for the destination type INT16/, pg: same('SELECT 70000::smallint') },
  { sql: 'SELECT 2147483647::int + 1::int', code: SqlState.NumericValueOutOfRange, message: /^Overflow in addition of INT32/, pg: same('SELECT 2147483647::int + 1::int') },
  { sql: 'SELECT 100::decimal(3,1)', code: SqlState.NumericValueOutOfRange, message: /^Could not cast value 100 to DECIMAL/, pg: same('SELECT 100::numeric(3,1)') },
  { sql: 'SELECT 1::int[]', code: SqlState.CannotCoerce, message: /^Unimplemented type for cast/, pg: same('SELECT 1::int[]') },
  { sql: 'SELECT sqrt(-1)', code: '2201F', message: /^cannot take square root of a negative number$/, pg: same('SELECT sqrt(-1)') },
  { sql: 'SELECT ln(0)', code: '2201E', message: /^cannot take logarithm of zero$/, pg: same('SELECT ln(0)') },
  { sql: "SELECT repeat('x', 1000000000000)", code: SqlState.ProgramLimitExceeded, message: /^Cannot create a string of size/, pg: same("SELECT repeat('x', 1100000000)") },
  { sql: "INSERT INTO t VALUES (1, 1, 1, 'b')", code: SqlState.UniqueViolation, message: /violates primary key constraint/, pg: same("INSERT INTO t VALUES (1, 1, 1, 'b')") },
  { sql: "INSERT INTO t VALUES (4, 1, 1, 'a')", code: SqlState.UniqueViolation, message: /violates unique constraint/, pg: same("INSERT INTO t VALUES (4, 1, 1, 'a')") },
  { sql: "INSERT INTO t VALUES (2, NULL, 1, 'c')", code: SqlState.NotNullViolation, message: /^NOT NULL constraint failed: t\.b$/, pg: same("INSERT INTO t VALUES (2, NULL, 1, 'c')") },
  { sql: "INSERT INTO t VALUES (3, 1, -1, 'd')", code: SqlState.CheckViolation, message: /^CHECK constraint failed/, pg: same("INSERT INTO t VALUES (3, 1, -1, 'd')") },
  { sql: 'INSERT INTO child VALUES (99)', code: SqlState.ForeignKeyViolation, message: /foreign key constraint/, pg: same('INSERT INTO child VALUES (99)') },
  { sql: 'DROP TABLE parent', code: '2BP01', message: /^Could not drop the table/, pg: same('DROP TABLE parent') },
  { sql: 'CREATE SCHEMA sx; CREATE TABLE sx.a(i INT); DROP SCHEMA sx', code: '2BP01', message: /^Cannot drop entry "sx" because there are entries that depend on it\.$/, pg: same('CREATE SCHEMA sx; CREATE TABLE sx.a(i INT); DROP SCHEMA sx') },
  { sql: 'CREATE TABLE t(a INT)', code: SqlState.DuplicateTable, message: /^Table with name "t" already exists!$/, pg: same('CREATE TEMP TABLE t(a INT)') },
  { sql: 'CREATE SCHEMA sc; CREATE SCHEMA sc', code: '42P06', message: /^Schema with name "sc" already exists!$/, pg: same('CREATE SCHEMA sc; CREATE SCHEMA sc') },
  { sql: 'CREATE MACRO f(a) AS a; CREATE MACRO f(a) AS a', code: '42723', message: /^Macro Function with name "f" already exists!$/, pg: same("CREATE FUNCTION pg_temp.f(a int) RETURNS int AS 'select a' LANGUAGE sql; CREATE FUNCTION pg_temp.f(a int) RETURNS int AS 'select a' LANGUAGE sql") },
  { sql: 'CREATE TABLE tt(a INT, a INT)', code: '42701', message: /^Column with name a already exists!$/, pg: same('CREATE TEMP TABLE tt(a INT, a INT)') },
  { sql: 'DROP SCHEMA nosuch', code: '3F000', message: /^Schema with name nosuch does not exist!$/, pg: same('DROP SCHEMA nosuch') },
  { sql: "SELECT 'x' COLLATE nosuch", code: SqlState.UndefinedObject, message: /^Collation with name nosuch does not exist!$/, pg: same(`SELECT 'x' COLLATE "nosuch"`) },
  { sql: 'SELECT a FROM t, t2', code: SqlState.AmbiguousColumn, message: /^Ambiguous reference to column name "a"/, position: 8, pg: same('SELECT a FROM t, t2', true) },
  { sql: 'SELECT * FROM t2 JOIN t2 USING (a)', code: '42712', message: /^Ambiguous reference to table/, pg: same('SELECT * FROM t2 JOIN t2 USING (a)') },
  { sql: 'WITH a AS (SELECT 1), a AS (SELECT 2) SELECT 1', code: '42712', message: /^Duplicate CTE name "a"$/, pg: same('WITH a AS (SELECT 1), a AS (SELECT 2) SELECT 1') },
  { sql: 'SELECT a, count(*) FROM t2', code: SqlState.GroupingError, message: /must appear in the GROUP BY clause/, position: 8, pg: same('SELECT a, count(*) FROM t2', true) },
  { sql: 'SELECT sum(sum(a)) FROM t2', code: SqlState.GroupingError, message: /^aggregate function calls cannot be nested$/, pg: same('SELECT sum(sum(a)) FROM t2') },
  { sql: 'SELECT * FROM t2 WHERE sum(a) > 0', code: SqlState.GroupingError, message: /^WHERE clause cannot contain aggregates!$/, pg: same('SELECT * FROM t2 WHERE sum(a) > 0') },
  { sql: 'SELECT * FROM t2 ORDER BY 5', code: SqlState.InvalidColumnReference, message: /^ORDER term out of range/, pg: same('SELECT * FROM t2 ORDER BY 5') },
  { sql: 'SELECT * FROM t2 LIMIT -1', code: '2201W', message: /^LIMIT\/OFFSET cannot be negative$/, pg: same('SELECT * FROM t2 LIMIT -1') },
  { sql: 'SELECT 1 UNION SELECT 1, 2', code: SqlState.SyntaxError, message: /same number of result columns/, pg: same('SELECT 1 UNION SELECT 1, 2') },
  { sql: 'SELECT (SELECT 1, 2)', code: SqlState.SyntaxError, message: /^Subquery returns 2 columns - expected 1$/, pg: same('SELECT (SELECT 1, 2)') },
  { sql: 'SELECT (SELECT a FROM (VALUES (1), (2)) v(a))', code: '21000', message: /^More than one row returned by a subquery/, pg: same('SELECT (SELECT a FROM (VALUES (1), (2)) v(a))') },
  { sql: "SELECT array_value(1, 'a')", code: SqlState.DatatypeMismatch, message: /^Cannot combine types INTEGER and VARCHAR/, pg: same("SELECT ARRAY[1, 'a'::text]") },
  { sql: 'SELECT $1', code: SqlState.UndefinedParameter, message: /^Expected 1 parameters, but none were supplied$/, pg: same('SELECT $1') },
  { sql: "SELECT regexp_matches('a', '(')", code: '2201B', message: /^missing \): \($/, pg: same("SELECT regexp_matches('a', '(')") },
  { sql: "SELECT 'a' LIKE 'a' ESCAPE 'ab'", code: SqlState.InvalidEscapeSequence, message: /^Invalid escape string/, pg: same("SELECT 'a' LIKE 'a' ESCAPE 'ab'") },
  { sql: "SELECT from_hex('zz')", code: SqlState.InvalidParameterValue, message: /^Invalid input for hex digit: z$/, pg: same("SELECT decode('zz', 'hex')") },
  { sql: "SELECT * FROM read_parquet('/nonexistent/x.parquet')", code: '58P01', message: /^No files found that match the pattern/, pg: same("SELECT pg_read_file('/nonexistent/x.parquet')") },
  { sql: 'CREATE SEQUENCE sq MAXVALUE 2; SELECT nextval(\'sq\'), nextval(\'sq\'), nextval(\'sq\')', code: '2200H', message: /^nextval: reached maximum value of sequence "sq" \(2\)$/, pg: same("CREATE TEMP SEQUENCE sq MAXVALUE 2; SELECT nextval('sq'), nextval('sq'), nextval('sq')") },
  { sql: "CREATE TYPE mood AS ENUM ('a'); SELECT 'z'::mood", code: SqlState.InvalidTextRepresentation, message: /^Could not convert string 'z'/, pg: same("CREATE TYPE mood AS ENUM ('a'); SELECT 'z'::mood") },
  { sql: 'COMMIT', code: SqlState.NoActiveSqlTransaction, message: /^cannot commit - no transaction is active$/ },
  { sql: 'BEGIN; BEGIN', code: SqlState.ActiveSqlTransaction, message: /^cannot start a transaction within a transaction$/ },
  { sql: "PREPARE p(INT) AS SELECT $1; EXECUTE p('x')", code: SqlState.FeatureNotSupported, message: /argument types are not supported/ },
  { sql: 'SELECT 1 FOR UPDATE', code: SqlState.FeatureNotSupported, message: /^SELECT locking clause is not supported!$/ },
  { sql: 'EXECUTE nosuch', code: SqlState.InvalidSqlStatementName, message: /^Prepared statement "nosuch" does not exist$/, pg: same('EXECUTE nosuch') },
];

describe('toPgError on real DuckDB errors', () => {
  let instance: DuckDBInstance;
  let client: pg.Client;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    await setup.run(DUCK_SETUP);
    setup.closeSync();
    client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    instance?.closeSync();
  });

  /** Runs on a fresh connection of a fresh copy of the fixtures, so cases cannot disturb each other. */
  async function duckError(sql: string): Promise<PgError> {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run(DUCK_SETUP);
      await conn.run(sql);
    } catch (err) {
      return toPgError(err, sql);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    throw new Error(`DuckDB accepted: ${sql}`);
  }

  async function pgError(sql: string): Promise<pg.DatabaseError> {
    await client.query('BEGIN');
    try {
      await client.query(PG_SETUP);
      await client.query(sql);
    } catch (err) {
      return err as pg.DatabaseError;
    } finally {
      await client.query('ROLLBACK');
    }
    throw new Error(`PostgreSQL accepted: ${sql}`);
  }

  it.each(CASES)('$sql → $code', async (c) => {
    const e = await duckError(c.sql);
    expect(e).toBeInstanceOf(PgError);
    expect(e.code).toBe(c.code);
    expect(e.message).toMatch(c.message);
    expect(e.message).not.toMatch(/\bError: |\nLINE \d+:/);
    if (c.position !== undefined) expect(e.position).toBe(c.position);
    if (c.pg) {
      const ref = await pgError(c.pg.sql);
      expect(ref.code).toBe(c.code);
      if (c.pg.samePosition) expect(e.position).toBe(Number(ref.position));
    }
  });

  it('keeps what follows the first line as a hint (Did you mean …)', async () => {
    const e = await duckError('SELECT * FROM t22');
    expect(e.message).toBe('Table with name t22 does not exist!');
    expect(e.hint).toMatch(/^Did you mean "t2/);
  });

  it('maps a write-write conflict between two sessions to 40001', async () => {
    const a = await instance.connect();
    const b = await instance.connect();
    try {
      await a.run('CREATE TABLE w(id INT PRIMARY KEY, v INT); INSERT INTO w VALUES (1, 0)');
      await a.run('BEGIN');
      await b.run('BEGIN');
      await a.run('UPDATE w SET v = 1 WHERE id = 1');
      const e = await b.run('UPDATE w SET v = 2 WHERE id = 1').then(() => null, (err) => toPgError(err));
      expect(e?.code).toBe('40001');
      expect(e?.message).toMatch(/^Conflict on/);
    } finally {
      a.closeSync();
      b.closeSync();
    }
  });

  it('maps a statement in an aborted transaction to 25P02, as PostgreSQL reports it', async () => {
    const c = await instance.connect();
    try {
      await c.run('BEGIN');
      await expect(c.run("SELECT 'x'::int")).rejects.toThrow();
      const e = await c.run('SELECT 1').then(() => null, (err) => toPgError(err));
      expect(e?.code).toBe(SqlState.InFailedSqlTransaction);
      expect(e?.message).toBe('Current transaction is aborted (please ROLLBACK)');
      await c.run('ROLLBACK');
    } finally {
      c.closeSync();
    }
    await client.query('BEGIN');
    await expect(client.query('SELECT 1/0')).rejects.toThrow();
    const ref = await client.query('SELECT 1').then(() => null, (err: pg.DatabaseError) => err);
    await client.query('ROLLBACK');
    expect(ref?.code).toBe(SqlState.InFailedSqlTransaction);
  });

  it('maps an interrupted query to 57014', async () => {
    const c = await instance.connect();
    try {
      const running = c.run('SELECT count(*) FROM range(10000000000) r1, range(1000) r2 WHERE r1.range % 7 = r2.range');
      // Repeated, because an interrupt that arrives before the query starts is lost.
      const timer = setInterval(() => c.interrupt(), 50);
      const e = await running.then(() => null, (err) => toPgError(err)).finally(() => clearInterval(timer));
      expect(e?.code).toBe(SqlState.QueryCanceled);
      expect(e?.message).toBe('Interrupted!');
    } finally {
      c.closeSync();
    }
  });

  it('maps running out of memory to 53200', async () => {
    const small = await DuckDBInstance.create(':memory:', { memory_limit: '20MB', threads: '1' });
    const c = await small.connect();
    try {
      const e = await c.run('SELECT list(range) FROM range(100000000)').then(() => null, (err) => toPgError(err));
      expect(e?.code).toBe(SqlState.OutOfMemory);
      expect(e?.message).toMatch(/^failed to allocate data of size/);
      expect(e?.hint).toMatch(/memory_limit/);
    } finally {
      c.closeSync();
      small.closeSync();
    }
  });

  it('maps disabled file access to 42501 and a read-only database to 25006', async () => {
    const locked = await DuckDBInstance.create(':memory:', { enable_external_access: 'false' });
    const dir = mkdtempSync(join(tmpdir(), 'sirius-errors-'));
    try {
      const c = await locked.connect();
      const denied = await c.run("SELECT * FROM read_csv('/etc/hostname')").then(() => null, (err) => toPgError(err));
      expect(denied?.code).toBe(SqlState.InsufficientPrivilege);
      c.closeSync();
      const path = join(dir, 'ro.db');
      const rw = await DuckDBInstance.create(path);
      (await rw.connect()).closeSync();
      rw.closeSync();
      const ro = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
      const rc = await DuckDBConnection.create(ro);
      const readOnly = await rc.run('CREATE TABLE x(a INT)').then(() => null, (err) => toPgError(err));
      expect(readOnly?.code).toBe(SqlState.ReadOnlySqlTransaction);
      rc.closeSync();
      ro.closeSync();
    } finally {
      locked.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('caret position', () => {
  let instance: DuckDBInstance;
  let client: pg.Client;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    instance?.closeSync();
  });

  const long = 'abcdefghijklmnopqrstuvwxyz'.repeat(3);
  const queries = [
    "SELECT 'é' || nosuchcol FROM (SELECT 1 s) t",
    "SELECT '日本語' || nosuchcol FROM (SELECT 1 s) t",
    "SELECT '😀😀' || nosuchcol FROM (SELECT 1 s) t",
    "SELECT 'e\u0301' || nosuchcol FROM (SELECT 1 s) t",
    "SELECT\t'x',\tnosuchcol FROM (SELECT 1 s) t",
    `SELECT '${long}', '${long}', nosuchcol, '${long}' FROM (SELECT 1 s) t`,
    `SELECT '${'日本語'.repeat(15)}' || nosuchcol FROM (SELECT 1 s) t`,
    'SELECT 1,\n-- a comment\n  nosuchcol FROM (SELECT 1 s) t',
    'SELECT 1,\r\n  nosuchcol FROM (SELECT 1 s) t',
    'SELECT 1,\r  nosuchcol FROM (SELECT 1 s) t',
    'SELECT 1,\n\n\tnosuchcol FROM (SELECT 1 s) t',
    'SELECT 1,\n  2 +\n  nosuchcol FROM (SELECT 1 s) t',
    'SELECT nosuchcol, nosuchcol FROM (SELECT 1 s) t',
  ];

  it.each(queries)('matches PostgreSQL for %j', async (sql) => {
    const c = await instance.connect();
    const ours = await c.run(sql).then(() => null, (err) => toPgError(err, sql));
    c.closeSync();
    const ref = await client.query(sql).then(() => null, (err: pg.DatabaseError) => err);
    expect(ours?.code).toBe(SqlState.UndefinedColumn);
    expect(ref?.code).toBe(SqlState.UndefinedColumn);
    expect(ours?.position).toBe(Number(ref?.position));
  });

  it('gives no position when the caret line is not in the given text', () => {
    expect(caretPosition('SELECT 1', { line: 3, shown: 'x', column: 0 })).toBeUndefined();
    expect(caretPosition('SELECT nosuch', { line: 1, shown: 'SELECT other', column: 7 })).toBeUndefined();
    const err = new Error('Binder Error: oops\n\nLINE 1: SELECT x\n               ^');
    expect(toPgError(err, 'SELECT y').position).toBeUndefined();
    expect(toPgError(err).position).toBeUndefined();
  });
});

describe('toPgError on what is not a DuckDB error', () => {
  it('passes a PgError through unchanged', () => {
    const e = new PgError(SqlState.QueryCanceled, 'canceling statement due to user request');
    expect(toPgError(e)).toBe(e);
  });

  it('maps other errors to XX000 with the message and no stack', () => {
    const err = new TypeError('Cannot read properties of undefined');
    const e = toPgError(err);
    expect(e.code).toBe(SqlState.InternalError);
    expect(e.message).toBe('Cannot read properties of undefined');
    expect(e.message).not.toMatch(/\n\s+at /);
    expect(e.cause).toBe(err);
  });

  it('maps unknown DuckDB classes and thrown non-errors to XX000', () => {
    expect(toPgError(new Error('INTERNAL Error: Attempted to access index 3')).code).toBe(SqlState.InternalError);
    expect(toPgError(new Error('INTERNAL Error: Attempted to access index 3')).message).toBe('Attempted to access index 3');
    expect(toPgError('boom').message).toBe('boom');
    expect(toPgError(undefined).code).toBe(SqlState.InternalError);
  });

  it('maps DuckDB classes that no query here can trigger by their class name', () => {
    // DuckDB 1.5 returns NULL for x/0, so "Divide by Zero Error" is only reachable from extensions.
    expect(toPgError(new Error('Divide by Zero Error: division by zero')).code).toBe(SqlState.DivisionByZero);
    expect(toPgError(new Error('Invalid Input Error: Some input')).code).toBe(SqlState.InvalidParameterValue);
    expect(toPgError(new Error('Invalid Error: Some input')).code).toBe(SqlState.InternalError);
  });
});
