import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSessionStatement } from '../../../src/sql/session-hooks.js';
import { SqlState } from '../../../src/wire/sqlstate.js';

describe('parseSessionStatement', () => {
  it('parses SET forms into name, scope and value list', () => {
    expect(parseSessionStatement('SET statement_timeout = 5000')).toEqual({ type: 'set', scope: 'session', name: 'statement_timeout', value: [{ kind: 'number', value: '5000' }] });
    expect(parseSessionStatement("set local TimeZone to 'UTC'")).toEqual({ type: 'set', scope: 'local', name: 'timezone', value: [{ kind: 'string', value: 'UTC' }] });
    expect(parseSessionStatement('SET SESSION search_path TO a, "B", \'c d\'')).toEqual({
      type: 'set', scope: 'session', name: 'search_path',
      value: [{ kind: 'ident', value: 'a' }, { kind: 'ident', value: 'B' }, { kind: 'string', value: 'c d' }],
    });
    expect(parseSessionStatement('SET x.y TO DEFAULT')).toEqual({ type: 'set', scope: 'session', name: 'x.y', value: null });
    expect(parseSessionStatement("SET x.y = 'default'")).toEqual({ type: 'set', scope: 'session', name: 'x.y', value: [{ kind: 'string', value: 'default' }] });
    expect(parseSessionStatement('SET "MyApp"."Key" = on')).toEqual({ type: 'set', scope: 'session', name: 'MyApp.Key', value: [{ kind: 'ident', value: 'on' }] });
    expect(parseSessionStatement('SET extra_float_digits = -3')).toEqual({ type: 'set', scope: 'session', name: 'extra_float_digits', value: [{ kind: 'number', value: '-3' }] });
    expect(parseSessionStatement('SET x.y = 1, 2.5, +3')?.type).toBe('set');
  });

  it('decodes every kind of string literal in values', () => {
    const value = (sql: string) => (parseSessionStatement(sql) as { value: { value: string }[] }).value[0].value;
    expect(value("SET application_name = 'it''s'")).toBe("it's");
    expect(value("SET application_name = E'a\\tb\\'c\\\\d\\x41\\101\\u00e9'")).toBe("a\tb'c\\dAAé");
    expect(value('SET application_name = $$a;b$$')).toBe('a;b');
    expect(value('SET application_name = $t$ $$ $t$')).toBe(' $$ ');
    expect(value("SET /* c */ application_name -- c\n = 'x' -- trailing")).toBe('x');
  });

  it('parses SET TIME ZONE, NAMES and SCHEMA', () => {
    expect(parseSessionStatement('SET TIME ZONE LOCAL')).toEqual({ type: 'set', scope: 'session', name: 'timezone', value: null });
    expect(parseSessionStatement('SET TIME ZONE DEFAULT')).toEqual({ type: 'set', scope: 'session', name: 'timezone', value: null });
    expect(parseSessionStatement('SET TIME ZONE -3.5')).toEqual({ type: 'set', scope: 'session', name: 'timezone', value: [{ kind: 'number', value: '-3.5' }] });
    expect(parseSessionStatement("SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE")).toEqual({ type: 'set', scope: 'session', name: 'timezone', value: [{ kind: 'string', value: "INTERVAL '05:30:00'" }] });
    expect(parseSessionStatement("SET TIME ZONE INTERVAL '2' HOUR")).toEqual({ type: 'set', scope: 'session', name: 'timezone', value: [{ kind: 'string', value: "INTERVAL '02:00:00'" }] });
    expect(parseSessionStatement("SET NAMES 'UTF8'")).toEqual({ type: 'set', scope: 'session', name: 'client_encoding', value: [{ kind: 'string', value: 'UTF8' }] });
    expect(parseSessionStatement("SET SCHEMA 'app'")).toEqual({ type: 'set', scope: 'session', name: 'search_path', value: [{ kind: 'string', value: 'app' }] });
  });

  it('parses transaction statements with their modes and chain flags', () => {
    expect(parseSessionStatement('BEGIN')).toEqual({ type: 'begin', modes: {}, tag: 'BEGIN' });
    expect(parseSessionStatement('begin work isolation level read committed read only not deferrable')).toEqual({
      type: 'begin', modes: { isolation: 'read committed', readOnly: true, deferrable: false }, tag: 'BEGIN',
    });
    expect(parseSessionStatement('START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE, DEFERRABLE')).toEqual({
      type: 'begin', modes: { isolation: 'repeatable read', readOnly: false, deferrable: true }, tag: 'START TRANSACTION',
    });
    expect(parseSessionStatement('SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED')).toEqual({ type: 'set_transaction', modes: { isolation: 'read uncommitted' } });
    expect(parseSessionStatement('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY')).toEqual({ type: 'set_session_characteristics', modes: { readOnly: true } });
    expect(parseSessionStatement('COMMIT')).toEqual({ type: 'commit', chain: false });
    expect(parseSessionStatement('END TRANSACTION')).toEqual({ type: 'commit', chain: false });
    expect(parseSessionStatement('COMMIT AND CHAIN')).toEqual({ type: 'commit', chain: true });
    expect(parseSessionStatement('ROLLBACK WORK AND NO CHAIN')).toEqual({ type: 'rollback', chain: false });
    expect(parseSessionStatement('ABORT')).toEqual({ type: 'rollback', chain: false });
    expect(parseSessionStatement('ROLLBACK TO SAVEPOINT sp1')).toEqual({ type: 'rollback_to', name: 'sp1' });
    expect(parseSessionStatement('rollback transaction to "Sp"')).toEqual({ type: 'rollback_to', name: 'Sp' });
    expect(parseSessionStatement('SAVEPOINT sp1')).toEqual({ type: 'savepoint', name: 'sp1' });
    expect(parseSessionStatement('RELEASE SAVEPOINT sp1')).toEqual({ type: 'release', name: 'sp1' });
    expect(parseSessionStatement('RELEASE sp1;')).toEqual({ type: 'release', name: 'sp1' });
  });

  it('parses RESET, SHOW and housekeeping statements', () => {
    expect(parseSessionStatement('RESET ALL')).toEqual({ type: 'reset_all' });
    expect(parseSessionStatement('RESET TIME ZONE')).toEqual({ type: 'reset', name: 'timezone' });
    expect(parseSessionStatement('reset MyApp.X')).toEqual({ type: 'reset', name: 'myapp.x' });
    expect(parseSessionStatement('SHOW ALL')).toEqual({ type: 'show_all' });
    expect(parseSessionStatement('SHOW DateStyle')).toEqual({ type: 'show', name: 'datestyle' });
    expect(parseSessionStatement('SHOW TRANSACTION ISOLATION LEVEL')).toEqual({ type: 'show', name: 'transaction_isolation' });
    expect(parseSessionStatement('SHOW SESSION AUTHORIZATION')).toEqual({ type: 'show', name: 'session_authorization' });
    expect(parseSessionStatement('DISCARD ALL')).toEqual({ type: 'discard', target: 'all' });
    expect(parseSessionStatement('DISCARD TEMPORARY')).toEqual({ type: 'discard', target: 'temp' });
    expect(parseSessionStatement('DEALLOCATE PREPARE stmt1')).toEqual({ type: 'deallocate', name: 'stmt1' });
    expect(parseSessionStatement('DEALLOCATE ALL')).toEqual({ type: 'deallocate', name: null });
    expect(parseSessionStatement('DEALLOCATE "ALL"')).toEqual({ type: 'deallocate', name: 'ALL' });
    expect(parseSessionStatement('CLOSE ALL')).toEqual({ type: 'close', name: null });
    expect(parseSessionStatement('CLOSE c1')).toEqual({ type: 'close', name: 'c1' });
    expect(parseSessionStatement('LISTEN "Chan"')).toEqual({ type: 'listen', channel: 'Chan' });
    expect(parseSessionStatement('UNLISTEN *')).toEqual({ type: 'unlisten', channel: null });
    expect(parseSessionStatement('UNLISTEN chan')).toEqual({ type: 'unlisten', channel: 'chan' });
  });

  it('returns null for statements that go to DuckDB', () => {
    for (const sql of [
      'SELECT 1', '', '-- only a comment', 'SET GLOBAL threads = 4', 'SET VARIABLE x = 1', 'SET CONSTRAINTS ALL DEFERRED',
      'SHOW TABLES', 'SHOW ALL TABLES', 'SHOW DATABASES', 'COMMIT PREPARED \'x\'', 'ROLLBACK PREPARED \'x\'',
      'settings', 'WITH x AS (SELECT 1) SELECT * FROM x', "PREPARE TRANSACTION 'x'", 'EXECUTE p',
    ]) {
      expect(parseSessionStatement(sql), sql).toBeNull();
    }
  });

  it('rejects SET ROLE / SESSION AUTHORIZATION rather than pretending to apply them', () => {
    expect(() => parseSessionStatement('SET ROLE admin')).toThrow(expect.objectContaining({ code: SqlState.FeatureNotSupported }));
    expect(() => parseSessionStatement('RESET SESSION AUTHORIZATION')).toThrow(expect.objectContaining({ code: SqlState.FeatureNotSupported }));
  });
});

/** Malformed session statements fail like PostgreSQL's parser: 42601, same message, same position. */
describe('parseSessionStatement syntax errors agree with PostgreSQL 15', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
  });

  it.each([
    'SET',
    'SET statement_timeout',
    'SET statement_timeout = 5s',
    'SET extra_float_digits = 3x',
    'SET x.y = 0x1F',
    'SET statement_timeout = ,',
    'SET x. = 1',
    'SET TIME ZONE',
    'SET TIME zone = 1',
    'SET x.y = 1 2',
    'SHOW',
    'SHOW x.',
    'RESET',
    'BEGIN ISOLATION LEVEL SOMETIMES',
    'BEGIN READ MAYBE',
    'START',
    'COMMIT AND',
    'ROLLBACK TO',
    'SAVEPOINT',
    'DISCARD EVERYTHING',
    "SET application_name = 'é' 'x'",
    'SET search_path = a,, b',
  ])('%s', async (sql) => {
    const ref = await client.query(sql).then(() => null, (err: pg.DatabaseError) => err);
    expect(ref?.code).toBe(SqlState.SyntaxError);
    let ours: unknown = null;
    try {
      parseSessionStatement(sql);
    } catch (err) {
      ours = err;
    }
    expect(ours).toMatchObject({ code: SqlState.SyntaxError, message: ref!.message, position: Number(ref!.position) });
  });
});
