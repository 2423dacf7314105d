/**
 * Runs one DuckDB sqllogictest file over one PostgreSQL connection to Sirius, the way DuckDB's
 * SQLLogicTestRunner runs it over one Connection: same record semantics, values converted
 * from PostgreSQL text forms to DuckDB's renderings before the runner's comparisons.
 * Docs: docs/peer-tests.md.
 */
import type pg from 'pg';
import { cellToRunnerString, needsDuckType, type WireColumn } from './duck-render.js';
import { UnconvertibleValue } from './duck-scalar.js';
import { type DuckType, DuckTypeParseError, parseDuckType } from './duck-type.js';
import { JsonSyntaxError } from './json-tree.js';
import { checkQuery, checkStatement, type LabelMap, type RenderedResult } from './slt-check.js';
import { parseFile } from './slt-file.js';
import type { Command, LoopCommand, LoopCondition, QueryRecord, SqlRecord, StatementRecord } from './slt-parser.js';
import type { ColumnKind } from './slt-values.js';
import { duckErrorTexts, errorBody, runSql, type WireError, WireBroken, type WireRows } from './wire.js';

export type RecordStatus = 'pass' | 'fail' | 'skip';

export interface RecordResult {
  /** 1-based line of the record's `statement`/`query` header. */
  line: number;
  status: RecordStatus;
  /** fail: what went wrong (mismatch, unexpected-error, …); skip: why it did not run. */
  kind?: string;
  message?: string;
  sql?: string;
  /** fail: the same SQL text had already run earlier in this session. */
  repeated?: boolean;
}

export interface FileResult {
  file: string;
  records: RecordResult[];
  ms: number;
}

export interface RunOptions {
  /** Replaces __TEST_DIR__: a directory the server's DuckDB may write to. */
  testDir: string;
  /** Longest wait for one statement before the file is abandoned. */
  statementTimeoutMs: number;
}

/** The error DuckDB's runner treats as "skip the rest of the file" (ignore_error_messages). */
const IGNORED_ERRORS = ['HTTP', 'Unable to connect'];

interface RunningLoop {
  name: string;
  value: string;
}

type Outcome = { status: 'pass' } | { status: 'fail'; kind: string; message: string };

class FileStop extends Error {
  constructor(readonly status: 'skip' | 'fail', readonly kind: string, message: string) {
    super(message);
  }
}

class FileRun {
  readonly results = new Map<number, RecordResult>();
  private readonly labels: LabelMap = new Map();
  private hashThreshold = 0;
  private databaseLoaded = false;
  /** SQL texts already sent in this session (Sirius caches prepared statements by text). */
  private readonly sent = new Set<string>();

  constructor(private readonly client: pg.Client, private readonly options: RunOptions) {}

  private report(record: SqlRecord, sql: string, outcome: Outcome, repeated = false): void {
    const known = this.results.get(record.line);
    if (known?.status === 'fail') return;
    if (outcome.status === 'pass') this.results.set(record.line, { line: record.line, status: 'pass' });
    else this.results.set(record.line, { line: record.line, status: 'fail', kind: outcome.kind, message: outcome.message, sql, repeated });
  }

  private keywords(text: string): string {
    return text.replaceAll('__TEST_DIR__', this.options.testDir).replaceAll('__WORKING_DIRECTORY__', process.cwd());
  }

  /** LoopReplacement: `${name}` (or each of `${a}`, `${b}` for `foreach a,b x,y`) in loop order. */
  private substitute(text: string, loops: RunningLoop[]): string {
    let out = this.keywords(text);
    for (const loop of loops) {
      const value = this.keywords(loop.value);
      if (!loop.name.includes(',')) {
        out = out.replaceAll(`\${${loop.name}}`, value);
        continue;
      }
      const names = loop.name.split(',');
      const values = value.split(',');
      if (names.length !== values.length) throw new FileStop('fail', 'runner', `foreach ${loop.name}: ${value} has a different number of commas`);
      names.forEach((n, i) => (out = out.replaceAll(`\${${n}}`, values[i])));
    }
    return out;
  }

  async run(commands: Command[]): Promise<void> {
    await this.commands(commands, []);
  }

  private async commands(commands: Command[], loops: RunningLoop[]): Promise<void> {
    for (const c of commands) await this.command(c, loops);
  }

  private async command(c: Command, loops: RunningLoop[]): Promise<void> {
    switch (c.kind) {
      case 'statement':
      case 'query':
        if (conditionsAllow(c.conditions, loops, c.line)) await this.record(c, loops);
        return;
      case 'loop': return this.loop(c, loops);
      case 'hash-threshold': this.hashThreshold = c.value; return;
      case 'reset-label': this.labels.delete(c.label); return;
      case 'seed': return this.seed(c.value);
      case 'sleep': await new Promise((r) => setTimeout(r, c.ms)); return;
      case 'load':
        // The file's session database stands in for the loaded file: a restart keeps its data.
        this.databaseLoaded = true;
        return;
      case 'restart':
        if (!this.databaseLoaded) throw new FileStop('fail', 'runner', 'cannot restart an in-memory database, did you forget to call "load"?');
        return;
      case 'reconnect': throw new FileStop('fail', 'runner', 'reconnect opens a second session, which cannot see this session\'s tables');
      case 'mode': throw new FileStop('fail', 'runner', `mode ${c.mode} is not supported`);
      case 'unsupported': throw new FileStop('fail', 'runner', `unsupported runner command: ${c.what}`);
    }
  }

  /** LoopCommand: the body runs at least once (DuckDB tests the bound after each pass); sequential even for concurrentloop, one session has one connection. */
  private async loop(loop: LoopCommand, outer: RunningLoop[]): Promise<void> {
    let i = loop.start;
    do {
      const value = loop.tokens === null ? String(i) : loop.tokens[i];
      await this.commands(loop.body, [...outer, { name: loop.name, value }]);
      i++;
    } while (i < loop.end);
  }

  private async seed(value: string): Promise<void> {
    const outcome = await runSql(this.client, `SELECT SETSEED(${value})`, this.options.statementTimeoutMs);
    if (outcome.kind === 'error') throw new FileStop('fail', 'runner', `Failed to set seed: ${outcome.message}`);
  }

  private async record(record: SqlRecord, loops: RunningLoop[]): Promise<void> {
    const sql = this.substitute(record.sql, loops);
    if (record.connection !== '') {
      this.report(record, sql, { status: 'fail', kind: 'runner', message: `named connection ${record.connection} needs a second session` });
      return;
    }
    const repeated = this.sent.has(sql);
    this.sent.add(sql);
    try {
      const outcome = await runSql(this.client, sql, this.options.statementTimeoutMs);
      if (outcome.kind === 'error' && IGNORED_ERRORS.some((m) => errorBody(outcome).includes(m))) {
        this.report(record, sql, { status: 'pass' });
        throw new FileStop('skip', 'ignored-error', `DuckDB's runner stops the file on this error: ${outcome.message}`);
      }
      const result = record.kind === 'statement'
        ? statementOutcome(record, this.substitute(record.expectedError, loops), outcome)
        : await this.queryOutcome(record, sql, loops, outcome);
      this.report(record, sql, result, repeated);
    } catch (e) {
      if (!(e instanceof WireBroken)) throw e;
      this.report(record, sql, { status: 'fail', kind: 'connection', message: e.message });
      throw new FileStop('fail', 'connection', `stopped after line ${record.line}: ${e.message}`);
    }
  }

  private async queryOutcome(record: QueryRecord, sql: string, loops: RunningLoop[], outcome: WireRows | WireError): Promise<Outcome> {
    if (outcome.kind === 'error') return { status: 'fail', kind: 'unexpected-error', message: `${outcome.code}: ${errorBody(outcome)}` };
    let rendered: RenderedResult;
    try {
      rendered = await this.render(sql, outcome);
    } catch (e) {
      if (e instanceof UnconvertibleValue || e instanceof JsonSyntaxError || e instanceof DuckTypeParseError) return { status: 'fail', kind: 'unconvertible', message: e.message };
      throw e;
    }
    const expected = record.values.map((v) => this.substitute(v, loops));
    const check = checkQuery(record, expected, rendered, this.hashThreshold, this.labels);
    return check.ok ? { status: 'pass' } : { status: 'fail', kind: check.kind, message: check.message };
  }

  private async render(sql: string, rows: WireRows): Promise<RenderedResult> {
    const types = rows.columns.some(needsDuckType) ? await this.describe(sql, rows.columns.length) : null;
    const values: string[] = [];
    for (const row of rows.rows) {
      row.forEach((cell, i) => values.push(cellToRunnerString(cell, rows.columns[i], types?.[i] ?? null)));
    }
    return { columnCount: rows.columns.length, rowCount: rows.rows.length, values, kinds: rows.columns.map(columnKind) };
  }

  /** The DuckDB types of a query's columns: JSON text alone does not say what a STRUCT held. */
  private async describe(sql: string, count: number): Promise<DuckType[]> {
    const body = sql.replace(/[\s;]+$/, '');
    const outcome = await runSql(this.client, `DESCRIBE ${body}`, this.options.statementTimeoutMs);
    if (outcome.kind === 'error') throw new UnconvertibleValue(`DESCRIBE of a query with json columns failed: ${outcome.message}`);
    if (outcome.rows.length !== count) throw new UnconvertibleValue(`DESCRIBE gave ${outcome.rows.length} columns, the query ${count}`);
    return outcome.rows.map((r) => parseDuckType(r[1] ?? ''));
  }
}

function statementOutcome(record: StatementRecord, expectedError: string, outcome: WireRows | WireError): Outcome {
  const error = outcome.kind === 'error' ? { texts: duckErrorTexts(outcome), display: `${outcome.code}: ${errorBody(outcome)}` } : null;
  const check = checkStatement(record, expectedError, error);
  return check.ok ? { status: 'pass' } : { status: 'fail', kind: check.kind, message: check.message };
}

/** CheckLoopCondition: every condition names a running loop and must hold (onlyif) or not (skipif). */
function conditionsAllow(conditions: LoopCondition[], loops: RunningLoop[], line: number): boolean {
  if (conditions.length === 0) return true;
  if (loops.length === 0) throw new FileStop('fail', 'runner', `line ${line}: conditions (onlyif/skipif) on loop parameters can only occur within a loop`);
  for (const c of conditions) {
    const loop = [...loops].reverse().find((l) => l.name === c.keyword);
    if (loop === undefined) throw new FileStop('fail', 'runner', `line ${line}: condition in onlyif/skipif not found: ${c.keyword} must be a loop iterator name`);
    const holds = conditionHolds(loop.value, c);
    if (holds === c.skipIf) return false;
  }
  return true;
}

function conditionHolds(value: string, c: LoopCondition): boolean {
  if (c.op === '=') return value === c.value;
  if (c.op === '<>') return value !== c.value;
  const l = Number.parseInt(value, 10);
  const r = Number.parseInt(c.value, 10);
  return c.op === '>' ? l > r : c.op === '<' ? l < r : c.op === '>=' ? l >= r : l <= r;
}

/** How CompareValues treats a column, from its PostgreSQL type (numeric typmod carries the scale). */
function columnKind(column: WireColumn): ColumnKind {
  switch (column.oid) {
    case 16: return { t: 'boolean' };
    // oid (26) is how UINTEGER travels (src/pgtypes/mapping.ts)
    case 20: case 21: case 23: case 26: return { t: 'integer' };
    case 700: return { t: 'float' };
    case 701: return { t: 'double' };
    case 1700: return column.typmod >= 4 ? { t: 'decimal', scale: (column.typmod - 4) & 0xffff } : { t: 'integer' };
    default: return { t: 'other' };
  }
}

/** Every `statement`/`query` record of the file, including those inside loops. */
function recordsOf(commands: Command[]): SqlRecord[] {
  return commands.flatMap((c) => (c.kind === 'statement' || c.kind === 'query' ? [c] : c.kind === 'loop' ? recordsOf(c.body) : []));
}

/** Parses and runs `text` (the file `file`) on `client`; never throws for a failing record. */
export async function runFile(client: pg.Client, file: string, text: string, options: RunOptions): Promise<FileResult> {
  const started = Date.now();
  const parsed = parseFile(text, file);
  const run = new FileRun(client, options);
  let stop: FileStop | null = null;
  try {
    await run.run(parsed.commands);
  } catch (e) {
    if (!(e instanceof FileStop)) throw e;
    stop = e;
  }
  const results = run.results;
  const records: RecordResult[] = [];
  for (const r of recordsOf(parsed.commands)) {
    const seen = results.get(r.line);
    if (seen !== undefined) records.push(seen);
    else if (stop !== null) records.push({ line: r.line, status: stop.status, kind: stop.kind, message: stop.message });
    else records.push({ line: r.line, status: 'skip', kind: 'condition', message: 'excluded by its onlyif/skipif conditions' });
  }
  for (const s of parsed.skipped) records.push({ line: s.line, status: 'skip', kind: 'parse', message: s.reason });
  records.sort((a, b) => a.line - b.line);
  return { file, records: dedupe(records), ms: Date.now() - started };
}

function dedupe(records: RecordResult[]): RecordResult[] {
  return records.filter((r, i) => i === 0 || records[i - 1].line !== r.line);
}
