/**
 * The record loop of SQLLogicTestRunner::ExecuteFile, minus execution: turns a file into a
 * tree of commands (loops hold their bodies) and a list of records skipped at parse time.
 */
import {
  type Command, type ExpectedResult, LineCursor, type LoopCommand, type LoopCondition, type ParsedFile,
  type QueryRecord, type SkippedRecord, type SortStyle, type StatementRecord, SltParseError, expandForeachToken,
  parseConditions,
} from './slt-parser.js';
import { checkRequire } from './slt-require.js';

const SINGLE_LINE = new Set([
  'hash-threshold', 'halt', 'mode', 'set', 'reset', 'loop', 'foreach', 'concurrentloop', 'concurrentforeach',
  'endloop', 'require', 'require-env', 'test-env', 'load', 'restart', 'reconnect', 'sleep', 'unzip', 'tags',
]);
const KNOWN = new Set([...SINGLE_LINE, 'skipif', 'onlyif', 'statement', 'query']);
const SORT_STYLES: Record<string, SortStyle> = { nosort: 'none', none: 'none', rowsort: 'row', sort: 'row', valuesort: 'value' };
const SLEEP_UNITS: Record<string, number> = {
  second: 1000, seconds: 1000, sec: 1000, millisecond: 1, milliseconds: 1, milli: 1,
  microsecond: 0.001, microseconds: 0.001, micro: 0.001, nanosecond: 1e-6, nanoseconds: 1e-6, nano: 1e-6,
};

class FileParser {
  private readonly cur: LineCursor;
  private readonly top: Command[] = [];
  private readonly loops: LoopCommand[] = [];
  private readonly skipped: SkippedRecord[] = [];
  private skipLevel = 0;
  private requireMissing: ParsedFile['requireMissing'] = null;

  constructor(text: string, private readonly file: string) {
    this.cur = new LineCursor(text);
  }

  private fail(message: string): never {
    throw new SltParseError(this.file, this.cur.current + 1, message);
  }

  private emit(command: Command): void {
    (this.loops.length > 0 ? this.loops[this.loops.length - 1].body : this.top).push(command);
  }

  /** The `statement`/`query` line of the record that starts at the cursor, for skip reports. */
  private recordLineFromCursor(): number | null {
    for (let i = this.cur.current; i < this.cur.lines.length && !LineCursor.emptyOrComment(this.cur.lines[i]); i++) {
      if (/^(statement|query)\b/.test(this.cur.lines[i])) return i + 1;
    }
    return null;
  }

  private skip(reason: string): void {
    const line = this.recordLineFromCursor();
    if (line !== null) this.skipped.push({ line, reason });
  }

  parse(): ParsedFile {
    while (this.cur.nextStatement()) {
      if (!this.record()) break;
    }
    if (this.loops.length > 0 && this.requireMissing === null) this.fail('loop without endloop');
    return { commands: this.top, skipped: this.skipped, requireMissing: this.requireMissing };
  }

  /** One record; false stops the file (halt, missing require). */
  private record(): boolean {
    let tokens = this.cur.tokenize();
    if (!KNOWN.has(tokens[0])) this.fail(`Unrecognized parameter ${tokens[0]}`);
    if (SINGLE_LINE.has(tokens[0]) && !this.cur.nextLineEmptyOrComment()) this.fail('all test statements need to be separated by an empty line');
    const conditions: LoopCondition[] = [];
    while (tokens[0] === 'skipif' || tokens[0] === 'onlyif') {
      const skipIf = tokens[0] === 'skipif';
      if (tokens.length < 2) this.fail('skipif/onlyif requires a single parameter (e.g. skipif duckdb)');
      const system = tokens[1].toLowerCase();
      const parsed = parseConditions(system, skipIf);
      if (parsed === null && (system === 'duckdb') === skipIf) {
        this.skip(`${tokens[0]} ${tokens[1]}`);
        return true;
      }
      if (parsed !== null) conditions.push(...parsed);
      this.cur.current++;
      if (this.cur.current >= this.cur.lines.length) return true;
      tokens = this.cur.tokenize();
    }
    if (this.skipLevel > 0 && tokens[0] !== 'mode') {
      this.skip('mode skip');
      return true;
    }
    return this.dispatch(tokens, conditions);
  }

  private dispatch(tokens: string[], conditions: LoopCondition[]): boolean {
    const line = this.cur.current + 1;
    const [command, ...params] = tokens;
    switch (command) {
      case 'statement': this.statement(params, conditions); return true;
      case 'query': this.query(params, conditions); return true;
      case 'halt': return false;
      case 'hash-threshold': this.emit({ kind: 'hash-threshold', line, value: this.integer(params[0]) }); return true;
      case 'mode': this.mode(params, line); return true;
      case 'set': this.set(params, line); return true;
      case 'reset':
        if (params.length !== 2 || params[0].toLowerCase() !== 'label') this.fail('Expected reset label <name>');
        this.emit({ kind: 'reset-label', line, label: params[1] });
        return true;
      case 'loop': case 'concurrentloop': case 'foreach': case 'concurrentforeach':
        this.loops.push(this.loop(command, params, line));
        return true;
      case 'endloop': this.endLoop(); return true;
      case 'require': return this.require(params, line);
      case 'load': this.emit({ kind: 'load', line, path: params[0] ?? '' }); return true;
      case 'restart': this.emit({ kind: 'restart', line }); return true;
      case 'reconnect': this.emit({ kind: 'reconnect', line }); return true;
      case 'sleep': this.emit({ kind: 'sleep', line, ms: this.sleepMs(params) }); return true;
      case 'tags': return true;
      default: this.emit({ kind: 'unsupported', line, what: tokens.join(' ') }); return true;
    }
  }

  private integer(text: string | undefined): number {
    const n = Number.parseInt(text ?? '', 10);
    if (!Number.isFinite(n)) this.fail(`expected a number, got ${text}`);
    return n;
  }

  private statement(params: string[], conditions: LoopCondition[]): void {
    const expectWord = params[0];
    if (expectWord !== 'ok' && expectWord !== 'error' && expectWord !== 'maybe') this.fail(`statement argument should be 'ok' or 'error', got ${expectWord}`);
    const line = this.cur.current + 1;
    this.cur.current++;
    const sql = this.cur.extractStatement();
    if (sql.length === 0) this.fail('Unexpected empty statement text');
    const expect: ExpectedResult = expectWord;
    const expectedError = this.expectedError(expect);
    const record: StatementRecord = { kind: 'statement', line, sql, conditions, connection: params[1] ?? '', expect, expectedError };
    this.emit(record);
  }

  /** SQLLogicParser::ExtractExpectedError for DuckDB's own (not original SQLite) tests. */
  private expectedError(expect: ExpectedResult): string {
    const wantsMessage = expect !== 'ok';
    const lines = this.cur.lines;
    if (this.cur.current >= lines.length || lines[this.cur.current] !== '----') {
      if (wantsMessage) this.fail('statement error and maybe needs to have an expected error message');
      return '';
    }
    if (!wantsMessage) this.fail('only statement error or maybe can have an expected error message, not statement ok');
    this.cur.current++;
    const errorLines: string[] = [];
    while (this.cur.current < lines.length && lines[this.cur.current].length > 0) errorLines.push(lines[this.cur.current++]);
    return errorLines.join('\n');
  }

  private query(params: string[], conditions: LoopCondition[]): void {
    const types = params[0] ?? '';
    if (types.length === 0) this.fail('query requires at least a single column in the result');
    if (!/^[TIR]+$/.test(types)) this.fail(`unknown type character in '${types}', expected T, I or R only`);
    const line = this.cur.current + 1;
    this.cur.current++;
    const sql = this.cur.extractStatement();
    const values = this.cur.extractExpectedResult();
    let sort: SortStyle = 'none';
    let connection = '';
    if (params.length > 1) {
      const style = SORT_STYLES[params[1]];
      if (style === undefined) connection = params[1];
      else sort = style;
    }
    const record: QueryRecord = {
      kind: 'query', line, sql, conditions, connection, columnCount: types.length, sort, label: params[2] ?? null, values,
    };
    this.emit(record);
  }

  private mode(params: string[], line: number): void {
    if (params.length !== 1) this.fail('mode requires one parameter');
    if (params[0] === 'skip') this.skipLevel++;
    else if (params[0] === 'unskip') this.skipLevel--;
    else this.emit({ kind: 'mode', line, mode: params[0] });
  }

  private set(params: string[], line: number): void {
    if (params[0] === 'seed') {
      if (params.length !== 2 || !Number.isFinite(Number(params[1]))) this.fail('set seed requires a floating point parameter');
      // DuckDB runs SETSEED while parsing: before the enclosing loop (if any) runs.
      const command = { kind: 'seed' as const, line, value: params[1] };
      if (this.loops.length > 0) this.top.push(command);
      else this.emit(command);
      return;
    }
    this.emit({ kind: 'unsupported', line, what: `set ${params.join(' ')}` });
  }

  private loop(command: string, params: string[], line: number): LoopCommand {
    const parallel = command.startsWith('concurrent');
    if (command.endsWith('loop')) {
      if (params.length !== 3) this.fail('Expected loop [iterator_name] [start] [end] (e.g. loop i 1 300)');
      return { kind: 'loop', line, name: params[0], tokens: null, start: this.integer(params[1]), end: this.integer(params[2]), parallel, body: [] };
    }
    if (params.length < 2) this.fail('expected foreach [iterator_name] [m1] [m2] [etc...]');
    const tokens: string[] = [];
    for (const p of params.slice(1)) if (!expandForeachToken(p, tokens)) tokens.push(p);
    return { kind: 'loop', line, name: params[0], tokens, start: 0, end: tokens.length, parallel, body: [] };
  }

  private endLoop(): void {
    const loop = this.loops.pop();
    if (loop === undefined) this.fail('endloop without active loop!');
    this.emit(loop);
  }

  private require(params: string[], line: number): boolean {
    const answer = checkRequire(params);
    if (answer.present) return true;
    this.requireMissing = { line, what: answer.reason };
    this.skipRest(answer.reason);
    return false;
  }

  /** Records after a missing `require` never run: report them as skipped. */
  private skipRest(reason: string): void {
    for (let i = this.cur.current + 1; i < this.cur.lines.length; i++) {
      if (/^(statement|query)\b/.test(this.cur.lines[i]) && (i === 0 || !/^(statement|query)\b/.test(this.cur.lines[i - 1]))) {
        this.skipped.push({ line: i + 1, reason });
      }
    }
  }

  private sleepMs(params: string[]): number {
    const unit = SLEEP_UNITS[params[1] ?? ''];
    if (params.length !== 2 || unit === undefined) this.fail('sleep requires two parameters (e.g. sleep 1 second)');
    return this.integer(params[0]) * unit;
  }
}

export function parseFile(text: string, file: string): ParsedFile {
  return new FileParser(text, file).parse();
}
