/**
 * Parser of DuckDB's sqllogictest files, following test/sqlite/sqllogic_parser.cpp and the
 * record loop of sqllogic_test_runner.cpp (DuckDB v1.5): the same line cursor, the same
 * tokenizer (split on whitespace), the same parse-time state (`mode skip`, `halt`, `require`,
 * `skipif`/`onlyif`, loops). Executing the result is runner.ts's job.
 */
export type ExpectedResult = 'ok' | 'error' | 'maybe';
export type SortStyle = 'none' | 'row' | 'value';

/** `skipif x=1` / `onlyif type=struct`: a condition on a loop variable. */
export interface LoopCondition {
  keyword: string;
  value: string;
  op: '<>' | '>=' | '>' | '<=' | '<' | '=';
  skipIf: boolean;
}

interface RecordBase {
  /** 1-based line of the `statement`/`query` header, as DuckDB reports it. */
  line: number;
  sql: string;
  conditions: LoopCondition[];
  /** Named connection (`statement ok con1`), or '' for the file's connection. */
  connection: string;
}

export interface StatementRecord extends RecordBase {
  kind: 'statement';
  expect: ExpectedResult;
  expectedError: string;
}

export interface QueryRecord extends RecordBase {
  kind: 'query';
  columnCount: number;
  sort: SortStyle;
  label: string | null;
  values: string[];
}

export interface LoopCommand {
  kind: 'loop';
  line: number;
  name: string;
  /** foreach tokens; null for `loop i start end` */
  tokens: string[] | null;
  start: number;
  end: number;
  /** concurrentloop / concurrentforeach */
  parallel: boolean;
  body: Command[];
}

/** Runner commands that act when execution reaches them. */
export type ControlCommand =
  | { kind: 'hash-threshold'; line: number; value: number }
  | { kind: 'seed'; line: number; value: string }
  | { kind: 'reset-label'; line: number; label: string }
  | { kind: 'load'; line: number; path: string }
  | { kind: 'restart'; line: number }
  | { kind: 'reconnect'; line: number }
  | { kind: 'sleep'; line: number; ms: number }
  | { kind: 'mode'; line: number; mode: string }
  | { kind: 'unsupported'; line: number; what: string };

export type SqlRecord = StatementRecord | QueryRecord;
export type Command = SqlRecord | LoopCommand | ControlCommand;

/** A record that the parser itself skipped (mode skip, skipif duckdb, a missing require). */
export interface SkippedRecord {
  line: number;
  reason: string;
}

export interface ParsedFile {
  commands: Command[];
  skipped: SkippedRecord[];
  /** Set when a `require` is not met: DuckDB stops reading the file there. */
  requireMissing: { line: number; what: string } | null;
}

export class SltParseError extends Error {
  override name = 'SltParseError';
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

/** SQLLogicParser's cursor: lines without '\r', 0-based current line. */
export class LineCursor {
  readonly lines: string[];
  current = 0;
  private seenStatement = false;

  constructor(text: string) {
    const lines = text.split('\n').map((l) => l.replaceAll('\r', ''));
    // std::getline yields no empty last line for a trailing newline
    if (lines.length > 0 && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
    this.lines = lines;
  }

  static emptyOrComment(line: string): boolean {
    return line.length === 0 || line.startsWith('#');
  }

  nextLineEmptyOrComment(): boolean {
    return this.current + 1 >= this.lines.length || LineCursor.emptyOrComment(this.lines[this.current + 1]);
  }

  /** Skips the rest of the current record, then blank and comment lines; false at the end. */
  nextStatement(): boolean {
    if (this.seenStatement) {
      while (this.current < this.lines.length && !LineCursor.emptyOrComment(this.lines[this.current])) this.current++;
    }
    this.seenStatement = true;
    while (this.current < this.lines.length && LineCursor.emptyOrComment(this.lines[this.current])) this.current++;
    return this.current < this.lines.length;
  }

  /** The SQL text: lines up to an empty/comment line or `----`, joined with '\n'. */
  extractStatement(): string {
    const parts: string[] = [];
    while (this.current < this.lines.length && !LineCursor.emptyOrComment(this.lines[this.current])) {
      if (this.lines[this.current] === '----') break;
      parts.push(this.lines[this.current]);
      this.current++;
    }
    return parts.join('\n');
  }

  /** Expected values: the lines after `----` up to an empty line (comment lines included). */
  extractExpectedResult(): string[] {
    if (this.current < this.lines.length && this.lines[this.current] === '----') this.current++;
    const values: string[] = [];
    while (this.current < this.lines.length && this.lines[this.current].length > 0) {
      values.push(this.lines[this.current]);
      this.current++;
    }
    return values;
  }

  /** Tokens of the current line, split on whitespace like SQLLogicParser::Tokenize. */
  tokenize(): string[] {
    return this.lines[this.current].split(/[ \t\n\v\f\r]+/).filter((t) => t.length > 0);
  }
}

/** DuckDB's TryParseConditions: `x=y`, `x<>y`, … joined by `&&`; null when not a condition. */
export function parseConditions(text: string, skipIf: boolean): LoopCondition[] | null {
  if (!/[=<>]/.test(text)) return null;
  const ops: LoopCondition['op'][] = ['<>', '>=', '>', '<=', '<', '='];
  return text.split('&&').map((part) => {
    const op = ops.find((o) => part.includes(o));
    const splits = op === undefined ? [] : part.split(op);
    if (op === undefined || splits.length !== 2) throw new Error('skipif/onlyif must be in the form of x=y or x>y, potentially separated by &&');
    return { keyword: splits[0].trim(), value: splits[1].trim(), op, skipIf };
  });
}

/** ForEachTokenReplace: `<integral>`, `<numeric>`, … expand to DuckDB's type lists. */
export function expandForeachToken(param: string, tokens: string[]): boolean {
  const name = param.toLowerCase().trim();
  const all = name === '<alltypes>';
  const numeric = all || name === '<numeric>';
  const integral = numeric || name === '<integral>';
  const signed = integral || name === '<signed>';
  const unsigned = integral || name === '<unsigned>';
  let collection = false;
  if (name.startsWith('!')) {
    const at = tokens.indexOf(param.slice(1));
    if (at < 0) return false;
    tokens.splice(at, 1);
    collection = true;
  }
  const add = (cond: boolean, list: string[]): void => {
    if (!cond) return;
    tokens.push(...list);
    collection = true;
  };
  add(signed, ['tinyint', 'smallint', 'integer', 'bigint', 'hugeint']);
  add(unsigned, ['utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint']);
  add(numeric, ['float', 'double']);
  add(all, ['bool', 'interval', 'varchar']);
  add(name === '<compression>', ['none', 'uncompressed', 'rle', 'bitpacking', 'dictionary', 'fsst', 'alp', 'alprd']);
  if (name === '<all_types_columns>') throw new Error('foreach <all_types_columns> is not supported by this runner');
  return collection;
}
