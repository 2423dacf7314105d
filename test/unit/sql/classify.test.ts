import net from 'node:net';
import { DuckDBInstance, ResultReturnType } from '@duckdb/node-api';
import { parse, serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, commandTag, returnsRows } from '../../../src/sql/classify.js';
import { splitStatements } from '../../../src/sql/split.js';

interface Msg {
  name: string;
  text?: string;
  message?: string;
}

/**
 * A script PostgreSQL 15 runs without error, its changes rolled back; for
 * each statement it reports a CommandComplete tag, preceded by a RowDescription
 * when the statement returns rows. Our tags and row modes must match.
 */
const SCRIPT = `
BEGIN;
CREATE TABLE tg(a int PRIMARY KEY);
CREATE TEMP TABLE tg2 AS SELECT 1 AS a;
CREATE TEMPORARY TABLE IF NOT EXISTS tg4(a int);
create unlogged table tg5 (a int, b int generated always as (a * 2) stored);
SELECT * INTO tg3 FROM tg2;
CREATE VIEW v AS SELECT 1;
CREATE OR REPLACE VIEW v AS SELECT 2;
CREATE RECURSIVE VIEW rv(n) AS VALUES (1);
CREATE MATERIALIZED VIEW mv AS SELECT 1;
CREATE UNIQUE INDEX i ON tg(a);
CREATE INDEX IF NOT EXISTS i2 ON tg(a);
CREATE SCHEMA s;
CREATE SEQUENCE sq;
CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;
CREATE OR REPLACE FUNCTION f() RETURNS int AS 'select 2' LANGUAGE sql;
CREATE TYPE ty AS (a int);
CREATE DOMAIN dm AS int;
CREATE FOREIGN DATA WRAPPER fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER fdw;
CREATE FOREIGN TABLE ft (a int) SERVER srv;
CREATE USER MAPPING FOR CURRENT_USER SERVER srv;
CREATE ROLE sirius_test_role;
CREATE USER sirius_test_user;
CREATE TEXT SEARCH CONFIGURATION tsc (COPY = simple);
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
ALTER USER sirius_test_user RENAME TO sirius_test_user2;
INSERT INTO tg VALUES (1), (2);
INSERT INTO tg VALUES (3) RETURNING a;
UPDATE tg SET a = a;
UPDATE tg SET a = a WHERE a = 1 RETURNING *;
DELETE FROM tg WHERE a = 1;
WITH x AS (SELECT 1) INSERT INTO tg VALUES (9);
WITH x AS (DELETE FROM tg WHERE a = 9 RETURNING *) SELECT * FROM x;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r;
WITH u AS (UPDATE tg SET a = a RETURNING a) DELETE FROM tg2 WHERE a IN (SELECT a FROM u) RETURNING a;
MERGE INTO tg USING (SELECT 42 AS a) src ON tg.a = src.a WHEN NOT MATCHED THEN INSERT VALUES (src.a);
TABLE tg;
VALUES (1), (2);
(SELECT 1) UNION (SELECT 2);
SELECT 1 UNION SELECT 2;
SHOW timezone;
SHOW ALL;
SET timezone = 'UTC';
SET LOCAL timezone = 'UTC';
SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;
SET CONSTRAINTS ALL DEFERRED;
RESET timezone;
RESET ALL;
SAVEPOINT a;
RELEASE a;
SAVEPOINT b;
ROLLBACK TO b;
ROLLBACK TO SAVEPOINT b;
EXPLAIN SELECT 1;
DECLARE c CURSOR FOR SELECT 1;
FETCH c;
MOVE c;
FETCH ALL FROM c;
CLOSE c;
CLOSE ALL;
PREPARE p AS SELECT 1;
DEALLOCATE p;
PREPARE p2 AS SELECT 1;
DEALLOCATE PREPARE ALL;
LISTEN ch;
NOTIFY ch;
UNLISTEN ch;
UNLISTEN *;
ALTER TABLE tg ADD COLUMN b int;
ALTER TABLE tg RENAME TO tgx;
REFRESH MATERIALIZED VIEW mv;
ALTER MATERIALIZED VIEW mv RENAME TO mv2;
ALTER FOREIGN TABLE ft ADD COLUMN b int;
COPY (SELECT 1) TO STDOUT;
DISCARD PLANS;
DISCARD SEQUENCES;
ANALYZE tg2;
LOCK TABLE tg2;
TRUNCATE tg2;
COMMENT ON TABLE tg2 IS 'x';
GRANT SELECT ON tg2 TO PUBLIC;
DO 'begin end';
DROP TABLE tgx;
DROP TABLE IF EXISTS nothing_here;
DROP MATERIALIZED VIEW mv2;
DROP VIEW IF EXISTS v, rv;
DROP FUNCTION f;
DROP FOREIGN TABLE ft;
DROP USER MAPPING FOR CURRENT_USER SERVER srv;
DROP TEXT SEARCH CONFIGURATION tsc;
DROP ROLE sirius_test_role;
DROP USER sirius_test_user2;
CHECKPOINT;
ROLLBACK;
BEGIN;
COMMIT;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
END;
BEGIN WORK;
ABORT;
BEGIN;
ROLLBACK AND NO CHAIN;
DISCARD ALL;
`;

describe('commandTag and returnsRows agree with PostgreSQL 15', () => {
  let socket: net.Socket;
  let onMessage: ((m: Msg) => void) | null = null;

  beforeAll(async () => {
    socket = net.connect(5432, '127.0.0.1');
    void parse(socket, (m) => onMessage?.(m as Msg));
    await new Promise((resolve) => socket.once('connect', resolve));
    await roundTrip(serialize.startup({ user: 'postgres', database: 'test' }));
  });

  afterAll(() => {
    socket?.end();
  });

  function roundTrip(bytes: Buffer): Promise<Msg[]> {
    const got: Msg[] = [];
    return new Promise((resolve) => {
      onMessage = (m) => {
        got.push(m);
        if (m.name === 'readyForQuery') resolve(got);
      };
      socket.write(bytes);
    });
  }

  it('for every statement of the script', async () => {
    const statements = splitStatements(SCRIPT);
    const results: { tag: string; rows: boolean }[] = [];
    for (const s of statements) {
      // One Query per statement: DISCARD ALL, CREATE INDEX CONCURRENTLY… refuse to share a multi-statement Query.
      const messages = await roundTrip(serialize.query(s.text));
      const error = messages.find((m) => m.name === 'error');
      expect(error?.message, s.text).toBeUndefined();
      results.push({
        tag: messages.find((m) => m.name === 'commandComplete')!.text!,
        rows: messages.some((m) => m.name === 'rowDescription'),
      });
    }
    const mismatches: string[] = [];
    statements.forEach((s, i) => {
      const kind = classify(s.text);
      const count = Number(/ (\d+)$/.exec(results[i].tag)?.[1] ?? 0);
      const tag = commandTag(kind, s.text, count);
      const rows = returnsRows(kind, s.text);
      const rowsOk = rows === 'maybe' || (rows === 'rows') === results[i].rows;
      if (tag !== results[i].tag || !rowsOk) mismatches.push(`${s.text} → ${tag}/${rows}, PostgreSQL ${results[i].tag}/${results[i].rows}`);
    });
    expect(mismatches).toEqual([]);
  });
});

describe('classify', () => {
  it('skips comments, whitespace and leading parentheses', () => {
    expect(classify('  -- hi\n /* there */ ((SELECT 1))')).toBe('select');
    expect(classify('/* /* nested */ */ insert into t values (1)')).toBe('insert');
  });

  it('resolves WITH to its main statement', () => {
    expect(classify('WITH a AS (SELECT 1) SELECT * FROM a')).toBe('select');
    expect(classify('WITH a AS (SELECT 1), b AS (DELETE FROM x RETURNING *) UPDATE t SET c = 1')).toBe('update');
    expect(classify('WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT n FROM t')).toBe('select');
    expect(classify('WITH a AS MATERIALIZED (SELECT 1) INSERT INTO t SELECT * FROM a')).toBe('insert');
    expect(classify('WITH "select" AS (SELECT 1) DELETE FROM t')).toBe('delete');
  });

  it('maps PostgreSQL synonyms and DuckDB forms', () => {
    expect(classify('END')).toBe('commit');
    expect(classify('ABORT')).toBe('rollback');
    expect(classify('START TRANSACTION')).toBe('start_transaction');
    expect(classify('FROM tbl SELECT a')).toBe('select');
    expect(classify('DESCRIBE tbl')).toBe('describe');
    expect(classify('SUMMARIZE tbl')).toBe('describe');
    expect(classify('PRAGMA version')).toBe('pragma');
    expect(classify('CALL pragma_version()')).toBe('call');
    expect(classify('ATTACH \'x.db\'')).toBe('other');
    expect(classify('')).toBe('other');
    expect(classify("'just a string'")).toBe('other');
  });

  it('looks for RETURNING only outside parentheses and quotes', () => {
    expect(returnsRows('insert', "INSERT INTO t SELECT 'returning' FROM (SELECT 1 AS returning) s")).toBe('none');
    expect(returnsRows('insert', 'INSERT INTO t VALUES (1) -- RETURNING *')).toBe('none');
    expect(returnsRows('delete', 'DELETE FROM t RETURNING *')).toBe('rows');
  });

  it('names DuckDB-only statements by their keyword', () => {
    expect(commandTag('other', 'ATTACH \'x.db\' AS x', 0)).toBe('ATTACH');
    expect(commandTag('other', 'install httpfs', 0)).toBe('INSTALL');
    expect(commandTag('create', 'CREATE MACRO m(a) AS a', 0)).toBe('CREATE MACRO');
    expect(commandTag('create', 'CREATE OR REPLACE TABLE t AS SELECT 1', 5)).toBe('SELECT 5');
    expect(commandTag('describe', 'DESCRIBE t', 3)).toBe('SELECT 3');
    expect(commandTag('pragma', 'PRAGMA threads=1', 0)).toBe('PRAGMA');
  });
});

describe('returnsRows agrees with what DuckDB returns for its own statements', () => {
  it.each([
    ['DESCRIBE SELECT 1 AS a', 'rows'],
    ['SUMMARIZE SELECT 1 AS a', 'rows'],
    ['FROM range(3) SELECT range', 'rows'],
    ['SHOW TABLES', 'rows'],
    ['CREATE TABLE x(a INT)', 'none'],
  ] as const)('%s → %s', async (sql, expected) => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const result = await conn.run(sql);
      expect(returnsRows(classify(sql), sql)).toBe(expected);
      expect(result.returnType === ResultReturnType.QUERY_RESULT).toBe(expected === 'rows');
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
