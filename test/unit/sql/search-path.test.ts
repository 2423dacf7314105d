import { describe, expect, it } from 'vitest';
import { planSearchPath } from '../../../src/server/search-path.js';
import { SessionSettings } from '../../../src/sql/settings.js';
import { splitIdentifierList } from '../../../src/sql/settings-values.js';

const ctx = { user: 'tester', timeZone: 'UTC', serverVersion: '15.0', serverVersionNum: '150000' };

describe('splitIdentifierList (PostgreSQL SplitIdentifierString)', () => {
  it.each<[string, string[]]>([
    ['"$user", public', ['$user', 'public']],
    ['', []],
    ['   ', []],
    ['App2', ['app2']],
    ['a,b ,  c', ['a', 'b', 'c']],
    ['"Mixed Case", "a,b", "q""uote"', ['Mixed Case', 'a,b', 'q"uote']],
    ['""', ['']],
    ['ÄBC', ['Äbc']],
  ])('%j → %j', (value, names) => {
    expect(splitIdentifierList(value)).toEqual(names);
  });

  it.each(['a,', ',a', 'a,,b', '"unclosed', 'a b', '"a"b', 'a, "b" c'])('%j is invalid list syntax', (value) => {
    expect(splitIdentifierList(value)).toBeNull();
  });
});

describe('search_path list syntax is checked when set', () => {
  it('refuses invalid syntax from set_config and startup options with 22023, keeping the value', () => {
    const s = new SessionSettings(ctx);
    expect(() => s.setConfig('search_path', '"unclosed', false)).toThrow(expect.objectContaining({ code: '22023', detail: 'List syntax is invalid.' }));
    expect(() => s.applyStartupParameter('search_path', 'a,,b')).toThrow(expect.objectContaining({ code: '22023' }));
    expect(s.get('search_path')).toBe('"$user", public');
    expect(s.setConfig('search_path', 'Nope, "X y"', false)).toBe('Nope, "X y"');
  });

  it('accepts what SET quotes', () => {
    const s = new SessionSettings(ctx);
    s.set('search_path', [{ kind: 'string', value: '"odd' }, { kind: 'ident', value: 'public' }]);
    expect(s.get('search_path')).toBe('"""odd", public');
    expect(splitIdentifierList(s.get('search_path'))).toEqual(['"odd', 'public']);
  });
});

describe('planSearchPath', () => {
  const existing = new Map([['main', 'main'], ['app2', 'app2'], ['mixed', 'Mixed'], ['we"ird', 'we"ird']]);
  const plan = (value: string) => planSearchPath(value, 'session_7', existing);

  it('maps the default path to the session catalog, with pg_catalog after it', () => {
    expect(plan('"$user", public')).toEqual({ duckdb: 'session_7.main,sirius_pg.pg', schemas: ['public'] });
  });

  it('leaves out schemas that do not exist, and keeps the first existing one first', () => {
    expect(plan('nope, app2, public')).toEqual({ duckdb: 'session_7.app2,session_7.main,sirius_pg.pg', schemas: ['app2', 'public'] });
  });

  it('quotes names DuckDB would fold or split', () => {
    expect(plan('"Mixed", "we""ird"')).toEqual({ duckdb: 'session_7."Mixed",session_7."we""ird",sirius_pg.pg', schemas: ['Mixed', 'we"ird'] });
  });

  it('keeps a listed pg_catalog or information_schema in order, after the session schemas', () => {
    expect(plan('pg_catalog, app2, information_schema')).toEqual({
      duckdb: 'session_7.app2,sirius_pg.pg,sirius_pg.info',
      schemas: ['pg_catalog', 'app2', 'information_schema'],
    });
  });

  it('stands in main for the session when no listed schema of its own exists', () => {
    expect(plan('')).toEqual({ duckdb: 'session_7.main,sirius_pg.pg', schemas: [] });
    expect(plan('nope, pg_temp, "$user"')).toEqual({ duckdb: 'session_7.main,sirius_pg.pg', schemas: [] });
    expect(plan('pg_catalog')).toEqual({ duckdb: 'session_7.main,sirius_pg.pg', schemas: ['pg_catalog'] });
  });

  it('lists a schema once', () => {
    expect(plan('app2, public, app2, public')).toEqual({ duckdb: 'session_7.app2,session_7.main,sirius_pg.pg', schemas: ['app2', 'public'] });
  });
});
