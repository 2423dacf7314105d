import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * The one place DuckDB errors become PostgreSQL errors.
 *
 * @duckdb/node-api throws plain Error objects with no fields beyond `message`,
 * which starts with DuckDB's exception class ("Catalog Error: …",
 * "Out of Range Error: …") and may end with a "LINE n: …" block whose caret
 * marks the error location. The class and the message text choose the
 * SQLSTATE (https://www.postgresql.org/docs/15/errcodes-appendix.html); the
 * caret becomes the ErrorResponse position.
 */

/** SQLSTATEs used here that the shared SqlState table does not (yet) name. */
const Extra = {
  CardinalityViolation: '21000',
  SequenceGeneratorLimitExceeded: '2200H',
  InvalidRegularExpression: '2201B',
  InvalidArgumentForLogarithm: '2201E',
  InvalidArgumentForPowerFunction: '2201F',
  InvalidRowCountInLimitClause: '2201W',
  DependentObjectsStillExist: '2BP01',
  InvalidSchemaName: '3F000',
  SerializationFailure: '40001',
  DuplicateColumn: '42701',
  DuplicateAlias: '42712',
  DuplicateFunction: '42723',
  DuplicateSchema: '42P06',
  UndefinedFile: '58P01',
} as const;

type Rule = [pattern: RegExp, code: string];

/** Per DuckDB exception class: message rules tried in order, then the class default. */
const RULES: Record<string, { rules: Rule[]; fallback: string }> = {
  Catalog: {
    rules: [
      [/^(Table|View|Sequence) with name .* does not exist/, SqlState.UndefinedTable],
      [/Function with name .* does not exist/, SqlState.UndefinedFunction],
      [/^Schema with name .* does not exist|No catalog \+ schema named/, Extra.InvalidSchemaName],
      [/^(Table|View|Sequence|Index) with name .* already exists/, SqlState.DuplicateTable],
      [/^Schema with name .* already exists/, Extra.DuplicateSchema],
      [/Function with name .* already exists/, Extra.DuplicateFunction],
      [/^Column with name .* already exists/, Extra.DuplicateColumn],
      [/already exists/, SqlState.DuplicateObject],
      [/^Could not drop .* because|depends? on/, Extra.DependentObjectsStillExist],
      [/does not exist|unrecognized configuration parameter/, SqlState.UndefinedObject],
    ],
    fallback: SqlState.UndefinedObject,
  },
  Binder: {
    rules: [
      [/^Referenced column .* not found|FROM clause is missing|does not have a column (named|with name)|^Referenced update column .* not found|^Column .* does not exist on (left|right) side of join|in EXCLUDE list not found|^Could not find key .* in struct/, SqlState.UndefinedColumn],
      [/^Referenced table .* not found/, SqlState.UndefinedTable],
      [/^Could not choose a best candidate function/, SqlState.AmbiguousFunction],
      [/^No function matches the given name and argument types|^Macro .* does not support the supplied arguments/, SqlState.UndefinedFunction],
      [/^Ambiguous reference to column/, SqlState.AmbiguousColumn],
      [/^Ambiguous reference to table|duplicate alias/, Extra.DuplicateAlias],
      [/must appear in the GROUP BY clause|aggregate function calls cannot be nested|cannot contain aggregates/, SqlState.GroupingError],
      [/^(ORDER|GROUP BY) term out of range/, SqlState.InvalidColumnReference],
      [/^LIMIT\/OFFSET cannot be negative/, Extra.InvalidRowCountInLimitClause],
      [/same number of result columns|columns but \d+ values were supplied|^Subquery returns \d+ columns/, SqlState.SyntaxError],
      [/^Prepared statement .* does not exist/, SqlState.InvalidSqlStatementName],
      [/^Database .* not found|database not found/, SqlState.InvalidCatalogName],
      [/can only be applied to|^Cannot (compare|combine|mix) /, SqlState.DatatypeMismatch],
    ],
    fallback: SqlState.SyntaxErrorOrAccessRuleViolation,
  },
  Parser: {
    rules: [
      [/^Duplicate CTE name/, Extra.DuplicateAlias],
      [/is not supported/, SqlState.FeatureNotSupported],
      [/^Memory must have a number|^Sample .* out of range|must be less than MAXVALUE/, SqlState.InvalidParameterValue],
    ],
    fallback: SqlState.SyntaxError,
  },
  Conversion: {
    rules: [
      [/^Could not convert string .* to INTERVAL|field format|^Failed to parse/, SqlState.InvalidDatetimeFormat],
      [/field value out of range|^Date out of range|^Epoch .* out of range|not in timestamp range|^Could not convert Timestamp|^Timestamp out of range/, SqlState.DatetimeFieldOverflow],
      [/out of range for the destination type|^Could not cast value .* to DECIMAL/, SqlState.NumericValueOutOfRange],
      [/^Unimplemented type for cast/, SqlState.CannotCoerce],
      [/^Could not convert string|can't be cast to the destination type|^Malformed JSON|^Invalid hex escape|^Could not decode string|^Invalid character encountered/, SqlState.InvalidTextRepresentation],
    ],
    fallback: SqlState.DataException,
  },
  'Out of Range': {
    rules: [
      [/logarithm of (zero|a negative number)/, Extra.InvalidArgumentForLogarithm],
      [/square root of a negative number/, Extra.InvalidArgumentForPowerFunction],
      [/^Cannot create a string of size/, SqlState.ProgramLimitExceeded],
    ],
    fallback: SqlState.NumericValueOutOfRange,
  },
  'Invalid Input': {
    rules: [
      [/^Expected \d+ parameters?, but/, SqlState.UndefinedParameter],
      [/^More than one row returned by a subquery/, Extra.CardinalityViolation],
      [/read-only mode/, SqlState.ReadOnlySqlTransaction],
      [/^(missing [)\]]|invalid (escape sequence|character class|repetition size|named capture group|perl operator|UTF-8)|bad repetition operator|trailing \\|missing argument to repetition operator|unexpected \))/, Extra.InvalidRegularExpression],
      [/^Failed to parse format specifier/, SqlState.InvalidDatetimeFormat],
      // raised by the pg_catalog emulation's reg* casts (pgcatalog/functions.ts) with PostgreSQL's messages
      [/^relation ".*" does not exist/, SqlState.UndefinedTable],
      [/^type ".*" does not exist/, SqlState.UndefinedObject],
      [/^schema ".*" does not exist/, Extra.InvalidSchemaName],
    ],
    fallback: SqlState.InvalidParameterValue,
  },
  Constraint: {
    rules: [
      [/violates (primary key|unique) constraint/, SqlState.UniqueViolation],
      [/^NOT NULL constraint failed/, SqlState.NotNullViolation],
      [/^CHECK constraint failed/, SqlState.CheckViolation],
      [/foreign key constraint/, SqlState.ForeignKeyViolation],
    ],
    fallback: SqlState.IntegrityConstraintViolation,
  },
  TransactionContext: {
    rules: [
      [/no transaction is active/, SqlState.NoActiveSqlTransaction],
      [/within a transaction/, SqlState.ActiveSqlTransaction],
      [/^Current transaction is aborted/, SqlState.InFailedSqlTransaction],
      [/[Cc]onflict/, Extra.SerializationFailure],
      [/read-only/, SqlState.ReadOnlySqlTransaction],
    ],
    fallback: SqlState.InvalidTransactionState,
  },
  'Not implemented': {
    rules: [
      [/^Unknown TimeZone/, SqlState.InvalidParameterValue],
      [/^Cannot combine types/, SqlState.DatatypeMismatch],
    ],
    fallback: SqlState.FeatureNotSupported,
  },
  IO: { rules: [[/No files found that match|No such file or directory|not found/, Extra.UndefinedFile]], fallback: SqlState.IoError },
  Syntax: { rules: [[/^Invalid escape string/, SqlState.InvalidEscapeSequence], [/^Must have at least/, SqlState.InvalidParameterValue]], fallback: SqlState.SyntaxError },
};

/**
 * Classes mapped as a whole. Serialization is DuckDB's (de)serialization of
 * plans and storage, not transaction serialization: DuckDB reports write
 * conflicts as TransactionContext errors, mapped to 40001 above.
 */
const CLASS_CODES: Record<string, string> = {
  'Divide by Zero': SqlState.DivisionByZero,
  'Out of Memory': SqlState.OutOfMemory,
  INTERRUPT: SqlState.QueryCanceled,
  Permission: SqlState.InsufficientPrivilege,
  Sequence: Extra.SequenceGeneratorLimitExceeded,
  Dependency: Extra.DependentObjectsStillExist,
  'Mismatch Type': SqlState.DatatypeMismatch,
  'Invalid type': SqlState.DatatypeMismatch,
  'Unknown Type': SqlState.UndefinedObject,
  Decimal: SqlState.NumericValueOutOfRange,
  'Object Size': SqlState.ProgramLimitExceeded,
  'Parameter Not Resolved': SqlState.IndeterminateDatatype,
  'Parameter Not Allowed': SqlState.FeatureNotSupported,
  'Missing Extension': SqlState.FeatureNotSupported,
  'Extension Autoloading': SqlState.FeatureNotSupported,
  'Invalid Configuration': SqlState.InvalidParameterValue,
  Settings: SqlState.InvalidParameterValue,
  HTTP: SqlState.IoError,
  Network: SqlState.IoError,
};

/** DuckDB's exception class names (Exception::ExceptionTypeToString), longest first so "Invalid Input" wins over "Invalid". */
const CLASS_NAMES = [...new Set([...Object.keys(RULES), ...Object.keys(CLASS_CODES),
  'Invalid', 'Serialization', 'Expression', 'Planner', 'Scheduler', 'Executor', 'Index', 'Stat', 'Connection',
  'Optimizer', 'NullPointer', 'FATAL', 'INTERNAL'])].sort((a, b) => b.length - a.length);

/** Maps anything thrown by DuckDB (or by our own code around it) to a PgError. `sqlText` is the text DuckDB ran, for the position. */
export function toPgError(err: unknown, sqlText?: string): PgError {
  if (err instanceof PgError) return err;
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : `unexpected ${typeof err} thrown`;
  const cls = CLASS_NAMES.find((c) => raw.startsWith(`${c} Error: `));
  const body = cls ? raw.slice(cls.length + ' Error: '.length) : raw;
  const { text, caret } = splitCaretBlock(body);
  const newline = text.indexOf('\n');
  const message = (newline < 0 ? text : text.slice(0, newline)).trim();
  const rest = newline < 0 ? '' : text.slice(newline + 1).trim();
  const position = caret && sqlText !== undefined ? caretPosition(sqlText, caret) : undefined;
  return new PgError(codeFor(cls, message), message || raw, { hint: rest || undefined, position, cause: err });
}

function codeFor(cls: string | undefined, message: string): string {
  if (!cls) return SqlState.InternalError;
  const table = RULES[cls];
  if (table) return table.rules.find(([re]) => re.test(message))?.[1] ?? table.fallback;
  return CLASS_CODES[cls] ?? SqlState.InternalError;
}

interface Caret {
  line: number;
  /** The part of the line DuckDB shows, with its "..." truncation marks. */
  shown: string;
  /** Columns between the start of `shown` and the caret. */
  column: number;
}

/** Separates QueryErrorContext::Format's trailing "LINE n: …\n    ^" block from the message. */
function splitCaretBlock(body: string): { text: string; caret: Caret | null } {
  const m = /\n*LINE (\d+): ([^\n]*)\n( *)\^\s*$/.exec(body);
  if (!m) return { text: body, caret: null };
  const indicator = `LINE ${m[1]}: `.length;
  return { text: body.slice(0, m.index), caret: { line: Number(m[1]), shown: m[2], column: m[3].length - indicator } };
}

/**
 * The 1-based character position the caret points at, or undefined when the
 * shown line cannot be found in `sql` (then no position beats a wrong one).
 * DuckDB shows at most ~40 columns either side of the error, marking cuts with
 * "...", and counts columns as rendered (wide characters take two).
 */
export function caretPosition(sql: string, caret: Caret): number | undefined {
  const lineStart = lineOffset(sql, caret.line);
  if (lineStart < 0) return undefined;
  const lineEnd = nextNewline(sql, lineStart);
  const cutStart = caret.shown.startsWith('...');
  let shown = cutStart ? caret.shown.slice(3) : caret.shown;
  let column = cutStart ? caret.column - 3 : caret.column;
  if (!sql.slice(lineStart, lineEnd).includes(shown) && shown.endsWith('...')) shown = shown.slice(0, -3);
  const windowStart = cutStart ? sql.indexOf(shown, lineStart) : lineStart;
  if (windowStart < 0 || windowStart + shown.length > lineEnd || !sql.startsWith(shown, windowStart)) return undefined;
  let index = windowStart;
  for (const { segment } of graphemes().segment(sql.slice(windowStart, lineEnd))) {
    const width = renderWidth(segment);
    // Zero-width characters (tabs count as 0) before the error token belong before the caret.
    if (column <= 0 && width > 0) break;
    column -= width;
    index += segment.length;
  }
  if (column !== 0) return undefined;
  return codePointCount(sql, index) + 1;
}

/** Where line `line` (1-based) starts; DuckDB 1.5 breaks lines at \n, \r and \r\n. */
function lineOffset(sql: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = nextNewline(sql, at);
    if (nl >= sql.length) return -1;
    at = sql.charCodeAt(nl) === 13 && sql.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
  }
  return at;
}

function nextNewline(sql: string, from: number): number {
  for (let i = from; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return sql.length;
}

let segmenter: Intl.Segmenter | null = null;
function graphemes(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return segmenter;
}

const WIDE = /^(?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]|\p{Emoji_Presentation})/u;
const ZERO_WIDTH = /^[\p{Cc}\p{Mn}\p{Me}\u200b-\u200f]/u;

/** utf8proc's charwidth of a grapheme's first code point, as DuckDB uses for the caret. */
function renderWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  return WIDE.test(grapheme) ? 2 : 1;
}

/** PostgreSQL positions count characters (code points), not UTF-16 units. */
function codePointCount(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
