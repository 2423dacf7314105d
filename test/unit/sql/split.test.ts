import net from 'node:net';
import { parse, serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../../../src/sql/split.js';

const texts = (sql: string): string[] => splitStatements(sql).map((s) => s.text);

describe('splitStatements', () => {
  it('splits at top-level semicolons, trimming and keeping offsets', () => {
    const sql = '  SELECT 1;\n\tSELECT 2 ;SELECT 3';
    expect(splitStatements(sql)).toEqual([
      { text: 'SELECT 1', offset: 2 },
      { text: 'SELECT 2', offset: 13 },
      { text: 'SELECT 3', offset: 23 },
    ]);
    for (const s of splitStatements(sql)) expect(sql.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
  });

  it('returns [] when the whole string is empty, blank or only comments', () => {
    for (const sql of ['', ';', ' ; ;; ', '-- ping', '/* x */', '-- a;\n/* b; */ ;', '\n\t\r']) {
      expect(splitStatements(sql), JSON.stringify(sql)).toEqual([]);
    }
  });

  it('drops empty and comment-only statements between real ones', () => {
    expect(texts('SELECT 1;;  ; -- nothing\n; /* nor this */; SELECT 2;')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('keeps comments that are part of a statement', () => {
    expect(texts('-- lead\nSELECT 1 -- trail; not a split\n; SELECT /* ; */ 2')).toEqual([
      '-- lead\nSELECT 1 -- trail; not a split',
      'SELECT /* ; */ 2',
    ]);
  });

  it('ignores semicolons in strings, with doubled quotes', () => {
    expect(texts("SELECT 'a;b', 'it''s; fine'; SELECT ''';'")).toEqual(["SELECT 'a;b', 'it''s; fine'", "SELECT ''';'"]);
  });

  it('honours backslash escapes only in E strings', () => {
    expect(texts("SELECT E'\\';'; SELECT 2")).toEqual(["SELECT E'\\';'", 'SELECT 2']);
    expect(texts("SELECT e'a\\\\'; SELECT 2")).toEqual(["SELECT e'a\\\\'", 'SELECT 2']);
    // In a standard string a backslash is an ordinary character: the quote after it ends the string.
    expect(texts("SELECT '\\'; SELECT 2")).toEqual(["SELECT '\\'", 'SELECT 2']);
    // "type'…'" is the word type then a standard string, not an E string.
    expect(texts("SELECT type'\\'; SELECT 2")).toEqual(["SELECT type'\\'", 'SELECT 2']);
  });

  it('ignores semicolons in quoted identifiers', () => {
    expect(texts('SELECT 1 AS "a;b", 2 AS "say ""hi;"""; SELECT 3')).toEqual(['SELECT 1 AS "a;b", 2 AS "say ""hi;"""', 'SELECT 3']);
  });

  it('handles dollar quoting with and without tags', () => {
    expect(texts('SELECT $$a;b$$; SELECT $tag$ ; $$ ; $tag$; SELECT $a$$b$;$a$')).toEqual([
      'SELECT $$a;b$$',
      'SELECT $tag$ ; $$ ; $tag$',
      'SELECT $a$$b$;$a$',
    ]);
  });

  it('does not take parameters or identifiers containing $ for dollar quotes', () => {
    expect(texts('SELECT $1; SELECT a$b$; SELECT x$$y; SELECT 2')).toEqual(['SELECT $1', 'SELECT a$b$', 'SELECT x$$y', 'SELECT 2']);
  });

  it('lets quotes inside comments and comments inside quotes be', () => {
    expect(texts("SELECT 1 /* it's; */; SELECT '/* no comment;' ; SELECT 2 -- it's\n; SELECT '--;'")).toEqual([
      "SELECT 1 /* it's; */",
      "SELECT '/* no comment;'",
      "SELECT 2 -- it's",
      "SELECT '--;'",
    ]);
    expect(texts('SELECT "/*"; SELECT $$--$$; SELECT 3')).toEqual(['SELECT "/*"', 'SELECT $$--$$', 'SELECT 3']);
  });

  it('nests block comments as PostgreSQL does', () => {
    expect(texts('SELECT /* a /* b; */ c; */ 1; SELECT 2')).toEqual(['SELECT /* a /* b; */ c; */ 1', 'SELECT 2']);
    expect(texts('/* /* */ ; */ SELECT 1')).toEqual(['/* /* */ ; */ SELECT 1']);
  });

  it('keeps an unterminated quote or comment with the rest of the string', () => {
    expect(texts("SELECT 1; SELECT 'abc; SELECT 2")).toEqual(['SELECT 1', "SELECT 'abc; SELECT 2"]);
    expect(texts('SELECT 1; SELECT "abc; SELECT 2')).toEqual(['SELECT 1', 'SELECT "abc; SELECT 2']);
    expect(texts('SELECT 1; SELECT $x$ abc; SELECT 2')).toEqual(['SELECT 1', 'SELECT $x$ abc; SELECT 2']);
    expect(texts('SELECT 1; SELECT /* /* */ abc; SELECT 2')).toEqual(['SELECT 1', 'SELECT /* /* */ abc; SELECT 2']);
    expect(texts("SELECT E'\\")).toEqual(["SELECT E'\\"]);
    // Even a statement that is only an unterminated comment goes on, for DuckDB to report it.
    expect(texts('SELECT 1; /* unterminated ; SELECT 2')).toEqual(['SELECT 1', '/* unterminated ; SELECT 2']);
    expect(texts('/* /* */')).toEqual(['/* /* */']);
  });

  it('treats "--" and "/*" only as comment starts, not "-" or "/"', () => {
    expect(texts('SELECT 4-1; SELECT 4/2; SELECT 4 - -1')).toEqual(['SELECT 4-1', 'SELECT 4/2', 'SELECT 4 - -1']);
  });

  it('handles non-ASCII text and offsets in UTF-16 units', () => {
    const sql = "SELECT 'é😀;'; SELECT 日本";
    const parts = splitStatements(sql);
    expect(parts.map((p) => p.text)).toEqual(["SELECT 'é😀;'", 'SELECT 日本']);
    expect(sql.slice(parts[1].offset)).toBe('SELECT 日本');
  });

  it('stays linear on pathological input', () => {
    const inputs = ['/*'.repeat(200_000), '$a'.repeat(200_000), "'".repeat(200_001), 'a$'.repeat(200_000), '$$'.repeat(1) + 'x'.repeat(400_000)];
    for (const sql of inputs) {
      const started = process.hrtime.bigint();
      splitStatements(sql);
      // Generous bound: a quadratic scan of 400k characters takes minutes, a linear one milliseconds.
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    }
  });
});

/** PostgreSQL's own answer to a simple Query: one CommandComplete per statement, or EmptyQueryResponse. */
describe('splitStatements agrees with PostgreSQL 15 on statement boundaries', () => {
  let socket: net.Socket;
  let onMessage: ((m: { name: string }) => void) | null = null;

  beforeAll(async () => {
    socket = net.connect(5432, '127.0.0.1');
    void parse(socket, (m) => onMessage?.(m as { name: string }));
    await new Promise((resolve) => socket.once('connect', resolve));
    await roundTrip(serialize.startup({ user: 'postgres', database: 'test' }));
  });

  afterAll(() => {
    socket?.end();
  });

  function roundTrip(bytes: Buffer): Promise<{ name: string }[]> {
    const got: { name: string }[] = [];
    return new Promise((resolve) => {
      onMessage = (m) => {
        got.push(m);
        if (m.name === 'readyForQuery') resolve(got);
      };
      socket.write(bytes);
    });
  }

  const queries = [
    '',
    ';',
    '-- ping',
    '/* only */ ; ;',
    "SELECT 'a;b'; SELECT $$;$$; SELECT 1 /* ; /* ; */ ; */",
    "SELECT E'\\';'; SELECT \"x;\" FROM (SELECT 1 AS \"x;\") s;",
    'SELECT 1;;SELECT 2;',
    'SELECT $t$ $$ ; $t$; -- tail ;\n',
    'SELECT a$b$ FROM (SELECT 1 AS a$b$) s; SELECT 2',
  ];

  it.each(queries)('%j', async (sql) => {
    const messages = await roundTrip(serialize.query(sql));
    const completes = messages.filter((m) => m.name === 'commandComplete').length;
    const empty = messages.some((m) => m.name === 'emptyQuery');
    expect(messages.filter((m) => m.name === 'error')).toEqual([]);
    expect(splitStatements(sql).length).toBe(completes);
    expect(splitStatements(sql).length === 0).toBe(empty);
  });
});
