import { nodeAt, nodesAt, stringAt, type AstNode } from './duck-ast.js';
import type { DuckSqlParser, EvalKind } from './duck-parser.js';

/** A bound parameter's value, as the client sent it ($1 is params[0]). */
export type ParamValue = string | Date | number | bigint | null | undefined;

export interface EvalContext {
  params: readonly ParamValue[];
  /** The µs value now() takes in the evaluated expressions. */
  nowUs: number;
}

/**
 * How an expression moves when the clock moves: 0 it does not use the clock,
 * 1 it rises with it (`now() - interval '1 hour'`), -1 it falls, null unknown.
 */
export type ClockSign = 0 | 1 | -1 | null;

export interface Prepared {
  node: AstNode;
  clock: ClockSign;
}

export interface Evaluated {
  value: number | null;
  clock: ClockSign;
}

/** The clock as DuckDB spells it: functions, and keywords the parser leaves as column names. */
const CLOCK_FUNCTIONS: Record<string, ClockKind> = {
  now: 'TIMESTAMPTZ', get_current_timestamp: 'TIMESTAMPTZ', transaction_timestamp: 'TIMESTAMPTZ',
  current_timestamp: 'TIMESTAMPTZ', today: 'DATE', current_date: 'DATE', current_localtimestamp: 'TIMESTAMP',
};
const CLOCK_COLUMNS: Record<string, ClockKind> = {
  current_timestamp: 'TIMESTAMPTZ', current_date: 'DATE', localtimestamp: 'TIMESTAMP',
};
type ClockKind = 'TIMESTAMPTZ' | 'DATE' | 'TIMESTAMP';

/**
 * Deterministic functions allowed in a bound: evaluating anything else (a
 * column, a subquery, random(), a user macro) would not give the value the
 * query compares with, so such a predicate gives no bound.
 */
const PURE_FUNCTIONS = new Set([
  '+', '-', '*', '/', 'to_timestamp', 'make_timestamp', 'make_timestamptz', 'make_date', 'epoch_ms', 'epoch',
  'epoch_us', 'date_trunc', 'time_bucket', 'timezone', 'strptime', 'trunc', 'to_centuries', 'to_decades',
  'to_millennia', 'to_years', 'to_quarters', 'to_months', 'to_weeks', 'to_days', 'to_hours', 'to_minutes',
  'to_seconds', 'to_milliseconds', 'to_microseconds',
]);

/** Functions that are non-decreasing in their last argument (the timestamp) when the others are constant. */
const RISING_IN_LAST_ARG = new Set(['date_trunc', 'time_bucket']);

const UNSAFE_CONSTANT_TYPES = new Set(['HUGEINT', 'UHUGEINT', 'UBIGINT']);

/**
 * A copy of `expr` that DuckDB can evaluate on its own: parameters replaced by
 * their values, the clock by `ctx.nowUs`. Null when the expression is not a
 * constant we can evaluate exactly (see PURE_FUNCTIONS).
 */
export function prepare(parser: DuckSqlParser, expr: AstNode, ctx: EvalContext): Prepared | null {
  switch (expr.class) {
    case 'CONSTANT':
      return safeConstant(expr) ? { node: structuredClone(expr), clock: 0 } : null;
    case 'PARAMETER':
      return parameter(parser, expr, ctx);
    case 'CAST': {
      const child = nodeAt(expr, 'child');
      const inner = child ? prepare(parser, child, ctx) : null;
      return inner ? { node: { ...structuredClone(expr), child: inner.node }, clock: inner.clock } : null;
    }
    case 'COLUMN_REF': {
      const names = expr.column_names;
      const kind = Array.isArray(names) && names.length === 1 ? CLOCK_COLUMNS[String(names[0]).toLowerCase()] : undefined;
      return kind ? { node: clockNode(parser, kind, ctx.nowUs), clock: 1 } : null;
    }
    case 'FUNCTION':
      return functionCall(parser, expr, ctx);
    default:
      return null;
  }
}

function functionCall(parser: DuckSqlParser, expr: AstNode, ctx: EvalContext): Prepared | null {
  const schema = stringAt(expr, 'schema');
  if (schema !== '' && schema !== 'main') return null;
  const name = stringAt(expr, 'function_name');
  const args = nodesAt(expr, 'children');
  const clockKind = CLOCK_FUNCTIONS[name];
  if (clockKind && args.length === 0) return { node: clockNode(parser, clockKind, ctx.nowUs), clock: 1 };
  if (!PURE_FUNCTIONS.has(name) || expr.distinct === true || nodeAt(expr, 'filter')) return null;
  const prepared: Prepared[] = [];
  for (const arg of args) {
    const p = prepare(parser, arg, ctx);
    if (!p) return null;
    prepared.push(p);
  }
  const node = { ...structuredClone(expr), children: prepared.map((p) => p.node) };
  return { node, clock: combinedClock(name, prepared.map((p) => p.clock)) };
}

function combinedClock(name: string, signs: ClockSign[]): ClockSign {
  if (signs.every((s) => s === 0)) return 0;
  if (name === '+') return signs.length === 1 ? signs[0] : add(signs[0], signs[1]);
  if (name === '-') return signs.length === 1 ? negate(signs[0]) : add(signs[0], negate(signs[1]));
  if (RISING_IN_LAST_ARG.has(name) && signs.slice(0, -1).every((s) => s === 0)) return signs[signs.length - 1];
  return null;
}

function add(a: ClockSign, b: ClockSign): ClockSign {
  if (a === null || b === null) return null;
  if (a === 0) return b;
  if (b === 0) return a;
  return a === b ? a : null;
}

function negate(a: ClockSign): ClockSign {
  return a === null ? null : ((-a || 0) as ClockSign);
}

/** JSON.parse rounds integers beyond 2^53, so such a constant no longer holds what the query wrote. */
function safeConstant(expr: AstNode): boolean {
  const value = nodeAt(expr, 'value');
  if (!value) return false;
  if (UNSAFE_CONSTANT_TYPES.has(stringAt(nodeAt(value, 'type'), 'id'))) return false;
  const v = value.value;
  return typeof v !== 'number' || Number.isSafeInteger(v) || !Number.isInteger(v);
}

function parameter(parser: DuckSqlParser, expr: AstNode, ctx: EvalContext): Prepared | null {
  const index = Number(stringAt(expr, 'identifier'));
  if (!Number.isInteger(index) || index < 1) return null;
  const value = ctx.params[index - 1];
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? (Number.isNaN(value.getTime()) ? null : value.toISOString()) : String(value);
  return text === null ? null : { node: parser.stringConstant(text), clock: 0 };
}

function clockNode(parser: DuckSqlParser, kind: ClockKind, nowUs: number): AstNode {
  const instant = parser.cast(parser.stringConstant(isoMicros(nowUs)), 'TIMESTAMPTZ');
  return kind === 'TIMESTAMPTZ' ? instant : parser.cast(instant, kind);
}

/** `2026-01-01T00:00:00.123456Z` for a µs epoch (Date alone keeps only milliseconds). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

/** Evaluates prepared expressions in one DuckDB round trip; values come back in request order. */
export async function evaluatePrepared(
  parser: DuckSqlParser,
  items: readonly { prepared: Prepared; kind: EvalKind }[],
  timeZone: string,
): Promise<Evaluated[]> {
  const values = await parser.evaluate(items.map((i) => ({ expr: i.prepared.node, kind: i.kind })), timeZone);
  return items.map((item, i) => ({ value: values[i], clock: item.prepared.clock }));
}
