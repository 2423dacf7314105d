import pg from 'pg';
import type { NoticeMessage } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportable, SessionSettings } from '../../../src/sql/settings.js';
import { SqlState } from '../../../src/wire/sqlstate.js';
import { runOnSettings, type Outcome } from './session-runner.js';

const APP = 'sirius-settings-test';
/** PostgreSQL's server default zone here; our sessions get the same from the config. */
const SERVER_ZONE = 'Etc/UTC';

function newSettings(): SessionSettings {
  const s = new SessionSettings({ user: 'postgres', timeZone: SERVER_ZONE, serverVersion: '15.0 (Sirius 0.1.0)', serverVersionNum: '150000' });
  s.applyStartupParameter('application_name', APP);
  return s;
}

/**
 * Statement sequences run both on PostgreSQL 15 and on SessionSettings; every
 * SHOW value, error (code, message, detail, hint) and warning must match.
 */
const SCRIPTS: Record<string, string[]> = {
  'startup values': [
    'application_name', 'client_encoding', 'DateStyle', 'default_transaction_read_only', 'in_hot_standby',
    'integer_datetimes', 'IntervalStyle', 'is_superuser', 'server_encoding', 'session_authorization',
    'standard_conforming_strings', 'TimeZone', 'extra_float_digits', 'search_path', 'statement_timeout', 'lock_timeout',
    'idle_in_transaction_session_timeout', 'client_min_messages', 'max_identifier_length', 'transaction_isolation',
    'transaction_read_only', 'default_transaction_isolation', 'bytea_output', 'row_security', 'xmloption', 'work_mem',
  ].map((n) => `SHOW ${n}`),
  'client_encoding': [
    "SET client_encoding = 'utf-8'", 'SHOW client_encoding', "SET client_encoding = 'UNICODE'", 'SHOW client_encoding',
    "SET NAMES 'utf8'", 'SHOW client_encoding', "SET client_encoding = 'nosuch'", 'SET client_encoding TO DEFAULT', 'SHOW client_encoding',
  ],
  'DateStyle': [
    "SET datestyle = 'iso, dmy'", 'SHOW datestyle', "SET datestyle = 'mdy'", 'SHOW DateStyle', 'SET DATESTYLE TO DEFAULT',
    'SHOW datestyle', 'SET datestyle = iso, ymd', 'SHOW datestyle', "SET datestyle = 'ISO', 'DMY'", 'SHOW datestyle',
    "SET datestyle = 'euro'", 'SHOW datestyle', "SET datestyle = 'us'", 'SHOW datestyle', "SET datestyle = 'nonsense'",
    "SET datestyle = 'ISO, SQL'", "SET datestyle = 'dmy, ymd'", 'SET "DateStyle" = \'ISO\'', 'SHOW "DateStyle"',
  ],
  'TimeZone': [
    "SET TIME ZONE 'europe/paris'", 'SHOW timezone', "SET timezone = 'Nowhere/Nope'", "SET timezone = '+02:00'", 'SHOW timezone',
    'SET TIME ZONE 2', 'SHOW TIME ZONE', 'SET TIME ZONE -3', 'SHOW timezone', "SET timezone = '-1'", 'SHOW timezone',
    "SET timezone = 'UTC'", 'SHOW timezone', 'SET TIME ZONE LOCAL', 'SHOW timezone', "SET timezone = 'UTC+3'", 'SHOW timezone',
    "SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE", 'SHOW timezone', "SET TIME ZONE INTERVAL '-05:00'", 'SHOW timezone',
    "SET TIME ZONE INTERVAL '1 day'", "SET timezone TO 'America/New_York', 'x'", "SET timezone = ''", 'SET TIME ZONE 200',
    'SET TIME ZONE DEFAULT', 'SHOW timezone', "SET timezone = 'asia/tokyo'", 'RESET TIME ZONE', 'SHOW timezone', 'SET TIME ZONE 0', 'SHOW timezone',
  ],
  'unknown, custom and read-only parameters': [
    'SET nosuch = 1', 'SHOW nosuch', 'RESET nosuch', "SET myapp.x = 'hello'", 'SHOW myapp.x', 'SHOW myapp.nosuch',
    "SET myapp.list = 1, 2, 'three'", 'SHOW myapp.list', 'SET x.y.z = 1', 'SHOW x.y.z', 'RESET myapp.z', 'SHOW myapp.z',
    'SET "MyApp".X = 2', 'SHOW "MyApp".X', 'SHOW myapp.X',
    'SET max_identifier_length = 10', 'SET server_version_num = 1', 'SET is_superuser = off', 'SET integer_datetimes = off',
    'SET server_encoding = latin1', 'SET in_hot_standby = on', 'SHOW max_identifier_length',
  ],
  'units and ranges': [
    "SET statement_timeout = '5s'", 'SHOW statement_timeout', 'SET statement_timeout = 500', 'SHOW statement_timeout',
    "SET statement_timeout = '1min'", 'SHOW statement_timeout', "SET statement_timeout = '0'", 'SHOW statement_timeout',
    "SET statement_timeout = '90000'", 'SHOW statement_timeout', "SET statement_timeout = '1.5s'", 'SHOW statement_timeout',
    "SET statement_timeout = 'abc'", "SET statement_timeout = '-1'", "SET statement_timeout = '3600000'", 'SHOW statement_timeout',
    "SET statement_timeout = '1d'", 'SHOW statement_timeout', "SET statement_timeout = '1 h'", 'SHOW statement_timeout',
    "SET statement_timeout = '1500us'", 'SHOW statement_timeout', "SET statement_timeout = '5 parsecs'",
    'SET statement_timeout = 1, 2', "SET lock_timeout = '2s'", 'SHOW lock_timeout', "SET idle_in_transaction_session_timeout = '10min'",
    'SHOW idle_in_transaction_session_timeout', 'SET extra_float_digits = 3', 'SHOW extra_float_digits', 'SET extra_float_digits = 4',
    "SET extra_float_digits = 'x'", 'SET extra_float_digits = -15', 'SHOW extra_float_digits', "SET work_mem = '64MB'", 'SHOW work_mem',
    "SET work_mem = '1GB'", 'SHOW work_mem', "SET work_mem = '10'", "SET work_mem = '100 kB'", 'SHOW work_mem',
  ],
  'lists, strings and enums': [
    'SET search_path TO a, b', 'SHOW search_path', "SET search_path = '\"$user\", public'", 'SHOW search_path',
    "SET search_path = 'a', 'B', \"C\"", 'SHOW search_path', "SET search_path = ''", 'SHOW search_path',
    'SET search_path = default', 'SHOW search_path', "SET SCHEMA 'abc'", 'SHOW search_path', "SET search_path = 'select', 'user'", 'SHOW search_path',
    "SET client_min_messages = 'warning'", 'SHOW client_min_messages', "SET client_min_messages = 'nope'",
    "SET intervalstyle = 'nope'", "SET IntervalStyle = 'POSTGRES'", 'SHOW intervalstyle',
    "SET application_name = 'psql2'", 'SHOW application_name', 'SET application_name = 42', 'SHOW application_name',
    "SET application_name = E'a\\tb'", 'SHOW application_name', "SET application_name = 'café'", 'SHOW application_name',
    'SET jit = off', 'SHOW jit', "SET jit = 'maybe'", "SET jit = 'o'", 'SET jit = of', 'SHOW jit', 'SET jit = yes', 'SHOW jit',
    "SET jit TO 'TR'", 'SHOW jit', 'SET jit TO DEFAULT', 'SHOW jit', 'SET row_security = 1', 'SHOW row_security',
    "SET bytea_output = 'hex'", "SET bytea_output = 'nope'", 'SET standard_conforming_strings = on',
    "SET default_transaction_isolation = 'serializable'", 'SHOW default_transaction_isolation', 'SHOW transaction_isolation',
    "SET default_transaction_isolation = 'nope'", 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY',
    'SHOW default_transaction_isolation', 'SHOW default_transaction_read_only', 'SHOW TRANSACTION ISOLATION LEVEL',
    'SHOW SESSION AUTHORIZATION', "SET transaction_isolation = 'serializable'", 'SHOW transaction_isolation',
  ],
  'transactions': [
    'SET LOCAL statement_timeout = 2', 'SHOW statement_timeout', 'SET TRANSACTION READ ONLY', 'COMMIT', 'ROLLBACK',
    'SAVEPOINT x', 'RELEASE x', 'ROLLBACK TO x',
    'BEGIN', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'SHOW transaction_isolation', 'SET TRANSACTION READ ONLY',
    'SHOW transaction_read_only', 'BEGIN', 'COMMIT', 'SHOW transaction_read_only', 'SHOW transaction_isolation',
    'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', 'SHOW transaction_isolation', 'SHOW transaction_read_only',
    "SET LOCAL statement_timeout = '7s'", "SET LOCAL myapp.y = 'l'", 'SHOW statement_timeout', 'SHOW myapp.y', 'COMMIT',
    'SHOW statement_timeout', 'SHOW myapp.y',
    'START TRANSACTION READ WRITE', "SET statement_timeout = '3s'", 'ROLLBACK', 'SHOW statement_timeout',
    'BEGIN', "SET statement_timeout = '3s'", "SET LOCAL statement_timeout = '4s'", 'SHOW statement_timeout', 'COMMIT', 'SHOW statement_timeout',
    'BEGIN', "SET LOCAL statement_timeout = '4s'", "SET statement_timeout = '5s'", 'END', 'SHOW statement_timeout',
    'BEGIN', 'SAVEPOINT a', "SET statement_timeout = '9s'", 'ROLLBACK TO a', 'SHOW statement_timeout', "SET timezone = 'UTC'",
    'ROLLBACK TO SAVEPOINT a', 'SHOW timezone', 'RELEASE a', 'COMMIT', 'SHOW statement_timeout',
    'BEGIN', "SET statement_timeout = '9s'", 'SAVEPOINT b', "SET statement_timeout = '8s'", 'SAVEPOINT c',
    "SET LOCAL statement_timeout = '7s'", 'RELEASE SAVEPOINT b', 'SHOW statement_timeout', 'ROLLBACK TO c', 'ABORT', 'SHOW statement_timeout',
    'BEGIN', 'SAVEPOINT s', 'SAVEPOINT s', "SET timezone = 'Asia/Tokyo'", 'RELEASE s', 'SHOW timezone', 'ROLLBACK TO s', 'SHOW timezone', 'ROLLBACK',
    'BEGIN', 'RESET ALL', 'SHOW statement_timeout', 'ROLLBACK', 'SHOW statement_timeout',
    "SET statement_timeout = '1s'", "SET application_name = 'other'", 'RESET ALL', 'SHOW statement_timeout', 'SHOW application_name',
    'SHOW myapp.y', 'RESET application_name', 'SHOW application_name',
  ],
};

describe('SessionSettings agrees with PostgreSQL 15', () => {
  let client: pg.Client;
  let notices: NoticeMessage[] = [];

  beforeAll(async () => {
    client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', application_name: APP });
    client.on('notice', (n) => notices.push(n));
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
  });

  async function runOnPostgres(sql: string): Promise<Outcome> {
    notices = [];
    try {
      const r = await client.query(sql);
      const warning = notices.find((n) => n.severity === 'WARNING');
      if (warning) return { warning: { code: warning.code!, message: warning.message! } };
      if (!r.fields?.length) return {};
      return { show: { column: r.fields[0].name, value: r.rows[0][r.fields[0].name] } };
    } catch (err) {
      const e = err as pg.DatabaseError;
      return { error: { code: e.code!, message: e.message, detail: e.detail, hint: e.hint } };
    }
  }

  it.each(Object.entries(SCRIPTS))('%s', async (_, statements) => {
    // Separate queries: in one Query string the ROLLBACK would undo the RESET ALL of its implicit transaction.
    await client.query('ROLLBACK');
    await client.query('RESET ALL');
    const ours = newSettings();
    const mismatches: string[] = [];
    for (const sql of statements) {
      const expected = await runOnPostgres(sql);
      const actual = runOnSettings(ours, sql);
      try {
        expect(actual).toEqual(expected);
      } catch {
        mismatches.push(`${sql}\n   ours: ${JSON.stringify(actual)}\n   pg:   ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches.join('\n')).toBe('');
  });

  it('SHOW ALL lists the same settings and descriptions as PostgreSQL for every parameter Sirius knows', async () => {
    await client.query('RESET ALL');
    const pgRows = new Map((await client.query('SHOW ALL')).rows.map((r) => [r.name as string, r]));
    const rows = newSettings().showAll();
    expect(rows.map((r) => r.name.toLowerCase())).toEqual(rows.map((r) => r.name.toLowerCase()).sort());
    for (const row of rows) {
      const ref = pgRows.get(row.name);
      expect(ref, row.name).toBeDefined();
      expect(row.description, row.name).toBe(ref.description);
      // Server-specific values: the version, and the locale PostgreSQL was initialised with.
      if (/^(server_version|lc_)/.test(row.name)) continue;
      expect(row.setting, row.name).toBe(ref.setting);
    }
  });

  it('set_config and current_setting behave as PostgreSQL', async () => {
    await client.query('RESET ALL');
    const s = newSettings();
    const cases: [string, string, boolean][] = [['myapp.z', 'v', false], ['statement_timeout', '2000', false], ['statement_timeout', '3s', true], ['TimeZone', '2', false]];
    for (const [name, value, local] of cases) {
      const ref = await client.query('SELECT set_config($1, $2, $3) AS v', [name, value, local]);
      expect(s.setConfig(name, value, local), name).toBe(ref.rows[0].v);
      const now = await client.query('SELECT current_setting($1) AS v', [name]);
      expect(s.get(name)).toBe(now.rows[0].v);
    }
    const missing = await client.query("SELECT current_setting('myapp.missing', true) AS v");
    expect(s.get('myapp.missing', true)).toBe(missing.rows[0].v);
    await expect(client.query("SELECT set_config('nosuch', '1', false)")).rejects.toMatchObject({ code: SqlState.UndefinedObject });
    expect(() => s.setConfig('nosuch', '1', false)).toThrow(expect.objectContaining({ code: SqlState.UndefinedObject }));
  });

  it('reports the GUC_REPORT parameters that PostgreSQL sends at startup, in its order', async () => {
    const sent: string[] = [];
    const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    // pg exposes ParameterStatus messages on its connection.
    c.connection.on('parameterStatus', (m: { parameterName: string }) => sent.push(m.parameterName));
    await c.connect();
    await c.end();
    const ours = newSettings().startupParameterStatus().map(([name]) => name);
    expect(ours).toEqual(sent);
    for (const name of sent) expect(reportable(name.toLowerCase())).toBe(true);
    expect(reportable('statement_timeout')).toBe(false);
  });
});

describe('SessionSettings where Sirius is stricter than PostgreSQL', () => {
  it.each([
    "SET client_encoding = 'latin1'",
    "SET datestyle = 'german'",
    "SET datestyle = 'sql, dmy'",
    "SET bytea_output = 'escape'",
    "SET intervalstyle = 'iso_8601'",
    'SET standard_conforming_strings = off',
    "SET timezone = 'FOO3BAR'",
    'SET TIME ZONE 5.5',
    "SET timezone = 'UTC+13'",
  ])('%s is refused with 0A000 and PostgreSQL\'s message', (sql) => {
    const s = newSettings();
    const before = s.startupParameterStatus();
    const out = runOnSettings(s, sql);
    expect(out.error?.code).toBe(SqlState.FeatureNotSupported);
    expect(out.error?.message).toMatch(/^invalid value for parameter "[A-Za-z_]+": ".+"$/);
    expect(out.error?.detail).toMatch(/\S/);
    expect(s.startupParameterStatus()).toEqual(before);
  });

  it('rejects SET ROLE and SET SESSION AUTHORIZATION instead of ignoring them', () => {
    expect(runOnSettings(newSettings(), 'SET ROLE other').error?.code).toBe(SqlState.FeatureNotSupported);
    expect(runOnSettings(newSettings(), "SET SESSION AUTHORIZATION 'x'").error?.code).toBe(SqlState.FeatureNotSupported);
  });
});

describe('SessionSettings for the engine', () => {
  it('reports only the reportable parameters that changed since the last report', () => {
    const s = newSettings();
    s.startupParameterStatus();
    expect(s.takeReportableChanges()).toEqual([]);
    s.set('statement_timeout', '5s');
    s.set('TimeZone', 'Europe/Paris');
    s.set('application_name', 'x');
    expect(s.takeReportableChanges()).toEqual([['application_name', 'x'], ['TimeZone', 'Europe/Paris']]);
    s.begin();
    s.set('TimeZone', 'UTC', 'local');
    expect(s.takeReportableChanges()).toEqual([['TimeZone', 'UTC']]);
    s.rollback();
    expect(s.takeReportableChanges()).toEqual([['TimeZone', 'Europe/Paris']]);
  });

  it('gives the zone as an IANA name the encoders and DuckDB accept', () => {
    const s = newSettings();
    expect(s.encodeContext()).toEqual({ timeZone: 'UTC' });
    s.set('TimeZone', 'europe/paris');
    expect(s.timeZone()).toEqual({ display: 'Europe/Paris', iana: 'Europe/Paris', fixedOffsetSeconds: null });
    s.set('TimeZone', [{ kind: 'number', value: '2' }]);
    expect(s.timeZone()).toEqual({ display: '<+02>-02', iana: 'Etc/GMT-2', fixedOffsetSeconds: 7200 });
    s.set('TimeZone', '+03:00');
    expect(s.timeZone()).toEqual({ display: '+03:00', iana: 'Etc/GMT+3', fixedOffsetSeconds: -10800 });
    // Intl agrees on the meaning of the Etc name: POSIX '+03:00' is three hours behind UTC.
    const hour = new Intl.DateTimeFormat('en-US', { timeZone: s.encodeContext().timeZone, hour: 'numeric', hourCycle: 'h23' }).format(new Date('2024-01-01T12:00:00Z'));
    expect(Number(hour)).toBe(9);
  });

  it('exposes timeouts in milliseconds and extra_float_digits as a number', () => {
    const s = newSettings();
    s.set('statement_timeout', '1.5min');
    s.set('lock_timeout', [{ kind: 'number', value: '250' }]);
    s.set('idle_in_transaction_session_timeout', '2h');
    s.set('extra_float_digits', '-3');
    expect([s.statementTimeoutMs(), s.lockTimeoutMs(), s.idleInTransactionSessionTimeoutMs(), s.extraFloatDigits()]).toEqual([90_000, 250, 7_200_000, -3]);
  });

  it('DISCARD ALL resets the settings, and is refused inside a transaction block as in PostgreSQL', () => {
    const s = newSettings();
    s.set('statement_timeout', '5s');
    s.begin();
    expect(() => s.discardAll()).toThrow(expect.objectContaining({ code: SqlState.ActiveSqlTransaction }));
    s.rollback();
    s.discardAll();
    expect(s.get('statement_timeout')).toBe('0');
  });

  it('makes startup values the RESET target and refuses bad startup values', () => {
    const s = newSettings();
    s.applyStartupParameter('DateStyle', 'ISO, DMY');
    s.applyStartupParameter('myapp.flag', 'on');
    s.set('DateStyle', 'MDY');
    s.resetAll();
    expect(s.get('DateStyle')).toBe('ISO, DMY');
    expect(s.get('myapp.flag')).toBe('on');
    expect(() => s.applyStartupParameter('server_version', '9.6')).toThrow(expect.objectContaining({ code: '55P02' }));
    expect(() => s.applyStartupParameter('nosuch', '1')).toThrow(expect.objectContaining({ code: SqlState.UndefinedObject }));
  });
});
