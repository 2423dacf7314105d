import { describe, expect, it } from 'vitest';
import { rewritePgSql } from '../../../src/pgcatalog/rewrite.js';
import { PgError } from '../../../src/wire/pg-error.js';

const rw = (sql: string): string => rewritePgSql(sql).sql;

describe('rewritePgSql: catalog statements', () => {
  it('drops pg_catalog qualifiers (the emulation is on the search path)', () => {
    expect(rw('SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c')).toBe('SELECT pg_get_userbyid(c.relowner) FROM pg_class c');
  });

  it('points information_schema at the emulation', () => {
    expect(rw('SELECT * FROM information_schema.columns')).toBe('SELECT * FROM sirius_pg.info.columns');
    expect(rw('SELECT (information_schema._pg_expandarray(i.indkey)).n FROM pg_index i')).toBe('SELECT (sirius_pg.info._pg_expandarray(i.indkey)).n FROM pg_index i');
  });

  it('refuses information_schema relations it does not emulate', () => {
    expect(() => rw('SELECT * FROM information_schema.sql_features')).toThrow(PgError);
  });

  it('unwraps OPERATOR() and drops COLLATE pg_catalog.default, then makes ~ a search', () => {
    expect(rw("SELECT 1 FROM pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default"))
      .toBe("SELECT 1 FROM pg_class c WHERE c.relname  ~ ('(?s:.*)(?:' || '^(t)$' || ')(?s:.*)') ");
  });

  it('rewrites !~ and ~* with parameters and columns as patterns', () => {
    expect(rw("SELECT 1 FROM pg_namespace n WHERE n.nspname !~ '^pg_'")).toBe("SELECT 1 FROM pg_namespace n WHERE n.nspname !~ ('(?s:.*)(?:' || '^pg_' || ')(?s:.*)')");
    expect(rw('SELECT 1 FROM pg_namespace n WHERE n.nspname ~* $1')).toBe("SELECT 1 FROM pg_namespace n WHERE n.nspname ~ ('(?i)(?s:.*)(?:' || $1 || ')(?s:.*)')");
    expect(rw('SELECT 1 FROM pg_class c WHERE c.relname ~ c.relname')).toBe("SELECT 1 FROM pg_class c WHERE c.relname ~ ('(?s:.*)(?:' || c.relname || ')(?s:.*)')");
    expect(rw("SELECT 1 FROM pg_class c WHERE c.relname ~ lower($1) AND c.relname !~ ('^' || 'x')"))
      .toBe("SELECT 1 FROM pg_class c WHERE c.relname ~ ('(?s:.*)(?:' || lower($1) || ')(?s:.*)') AND c.relname !~ ('(?s:.*)(?:' || ('^' || 'x') || ')(?s:.*)')");
  });

  it('turns reg* casts of literals into OIDs and of expressions into names', () => {
    expect(rw("SELECT 1 FROM pg_description d WHERE d.classoid = 'pg_class'::regclass")).toBe("SELECT 1 FROM pg_description d WHERE d.classoid = sirius_regclass_oid('pg_class')");
    expect(rw('SELECT c.oid::pg_catalog.regclass::pg_catalog.text FROM pg_class c')).toBe('SELECT sirius_regclass_name(c.oid)::text FROM pg_class c');
    expect(rw("SELECT concat(s, '.', t)::regclass::oid")).toBe("SELECT sirius_regclass_oid(concat(s, '.', t))::UINTEGER");
    expect(rw('SELECT x::int::regtype FROM pg_type')).toBe('SELECT sirius_regtype_name(x::int) FROM pg_type');
    expect(rw('SELECT typname FROM pg_type t WHERE t.oid = $1::regtype')).toBe('SELECT typname FROM pg_type t WHERE t.oid = sirius_regtype_oid(CAST($1 AS VARCHAR))');
    expect(rw("SELECT typinput='pg_catalog.array_in'::regproc FROM pg_type")).toBe("SELECT typinput='array_in' FROM pg_type");
    expect(rw('SELECT stxnamespace::pg_catalog.regnamespace::pg_catalog.text FROM pg_statistic_ext')).toBe('SELECT sirius_regnamespace_name(stxnamespace)::text FROM pg_statistic_ext');
  });

  it('names the column of generate_series after its alias, as PostgreSQL does', () => {
    expect(rw('SELECT s FROM pg_catalog.generate_series(0, 3) s, pg_attribute')).toBe('SELECT s FROM (SELECT unnest(generate_series(0, 3)) AS s) AS s, pg_attribute');
    expect(rw('SELECT r FROM generate_series(1, 2) AS s(r), pg_type')).toBe('SELECT r FROM (SELECT unnest(generate_series(1, 2)) AS r) AS s, pg_type');
    expect(rw("SELECT s[1] FROM pg_type, string_to_array('a,b', ',') s")).toBe("SELECT s[1] FROM pg_type, (SELECT string_to_array('a,b', ',') AS s) AS s");
  });

  it("turns format() into concatenation (DuckDB's format has other placeholders)", () => {
    expect(rw("SELECT col_description(format('%I.%I', s, t)::regclass::oid, 1) FROM pg_class"))
      .toBe("SELECT col_description(sirius_regclass_oid((quote_ident(CAST(s AS VARCHAR)) || '.' || quote_ident(CAST(t AS VARCHAR))))::UINTEGER, 1) FROM pg_class");
    expect(rw("SELECT format('%s is %L, 100%%', relname, f(a, b)) FROM pg_class"))
      .toBe("SELECT (coalesce(CAST(relname AS VARCHAR), '') || ' is ' || coalesce('''' || replace(CAST(f(a, b) AS VARCHAR), '''', '''''') || '''', 'NULL') || ', 100' || '%') FROM pg_class");
  });

  it('casts to oid as UINTEGER (sent as oid, not as int8), in catalog statements only', () => {
    expect(rw('SELECT t.oid FROM pg_type t WHERE t.oid = any($1::oid[]) AND t.typelem = CAST($2 AS oid)'))
      .toBe('SELECT t.oid FROM pg_type t WHERE t.oid = any($1::UINTEGER[]) AND t.typelem = CAST($2 AS UINTEGER)');
    expect(rw("SELECT 'pg_class'::regclass::oid, c.oid AS oid FROM pg_class c")).toBe("SELECT sirius_regclass_oid('pg_class')::UINTEGER, c.oid AS oid FROM pg_class c");
    expect(rw('SELECT 1::oid')).toBe('SELECT 1::oid');
  });

  it('casts to "char" as VARCHAR', () => {
    expect(rw('SELECT typtype::"char" FROM pg_type')).toBe('SELECT typtype::VARCHAR FROM pg_type');
  });

  it('leaves strings, comments and quoted identifiers alone', () => {
    const sql = `SELECT 'pg_catalog.x ~ y' AS "pg_catalog.a", 1 /* pg_catalog.b */ FROM pg_class`;
    expect(rw(sql)).toBe(sql);
  });
});

describe('rewritePgSql: other statements', () => {
  it('keeps DuckDB semantics of ~ outside catalog statements', () => {
    const sql = "SELECT 'aaa' ~ '^a', 'x' COLLATE nocase";
    expect(rewritePgSql(sql)).toEqual({ sql, catalog: false });
  });

  it("gives statements over the telemetry views PostgreSQL's ~", () => {
    const views = new Map([['log_entries', { timeColumn: 'time' }]]);
    expect(rewritePgSql("SELECT msg FROM log_entries WHERE msg ~ 'timeout'", null, views).sql)
      .toBe("SELECT msg FROM log_entries WHERE msg ~ ('(?s:.*)(?:' || 'timeout' || ')(?s:.*)')");
  });

  it('reads PostgreSQL array literals cast to arrays', () => {
    expect(rw("SELECT '{1,2}'::int8[], '{}'::text[], '{}'::json")).toBe("SELECT '[1,2]'::int8[], '[]'::text[], '{}'::json");
  });

  it('leaves current_setting of a DuckDB setting to DuckDB', () => {
    expect(rw("SELECT current_setting('threads'), current_setting('TimeZone'), current_setting('my.custom')"))
      .toBe("SELECT system.main.current_setting('threads'), current_setting('TimeZone'), current_setting('my.custom')");
  });

  it('reads schema public as the session catalog\'s main', () => {
    expect(rw('SELECT public.t.a FROM public.t, "public"."u" WHERE x.public = 1')).toBe('SELECT main.t.a FROM main.t, main."u" WHERE x.public = 1');
  });

  it('casts to jsonb as JSON', () => {
    expect(rw("SELECT '{}'::jsonb, CAST(x AS jsonb)")).toBe("SELECT '{}'::JSON, CAST(x AS JSON)");
  });

  it('applies set_config with constant arguments and replaces the call by its result', () => {
    const calls: unknown[] = [];
    const out = rewritePgSql("SELECT current_setting('jit') AS cur, set_config('jit', 'off', false) AS new", (c) => {
      calls.push(c);
      return 'off';
    });
    expect(calls).toEqual([{ name: 'jit', value: 'off', isLocal: false }]);
    expect(out.sql).toBe("SELECT current_setting('jit') AS cur, 'off' AS new");
  });
});

describe('rewritePgSql: bytea literals in hex format', () => {
  it('writes the bytes in DuckDB escape form for ::bytea, CAST(… AS bytea) and bytea \'…\'', () => {
    expect(rw("SELECT '\\xdeadbeef'::bytea")).toBe("SELECT '\\xDE\\xAD\\xBE\\xEF'::bytea");
    expect(rw("SELECT CAST('\\x00ff' AS bytea), bytea '\\x', '\\xab cd'::bytea")).toBe("SELECT CAST('\\x00\\xFF' AS bytea), bytea '', '\\xAB\\xCD'::bytea");
    expect(rw("SELECT '\\x0a'::pg_catalog.bytea")).toBe("SELECT '\\x0A'::bytea");
  });

  it('leaves other strings alone: untyped, typed BLOB, escape format', () => {
    expect(rw("SELECT '\\xdeadbeef'")).toBe("SELECT '\\xdeadbeef'");
    expect(rw("SELECT '\\xde'::BLOB")).toBe("SELECT '\\xde'::BLOB");
    expect(rw("SELECT 'abc'::bytea")).toBe("SELECT 'abc'::bytea");
  });

  it('leaves what is not a well-formed hex literal to DuckDB\'s escape format (DuckDB\'s own tests write those)', () => {
    for (const sql of ["SELECT '\\xabc'::bytea", "SELECT bytea '\\xzz'", "SELECT '\\x20\\x00\\xFF'::BYTEA", "SELECT '\\xab c d'::bytea"]) expect(rw(sql)).toBe(sql);
  });
});
