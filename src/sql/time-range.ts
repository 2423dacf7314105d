import { SqlState } from '../wire/sqlstate.js';
import { PgError } from '../wire/pg-error.js';
import type { DuckSqlParser } from './duck-parser.js';
import { evaluatePrepared, prepare, type ClockSign, type Evaluated, type ParamValue, type Prepared } from './time-eval.js';
import { collectConditions, leavesOf, type CompareOp, type Cond, type Leaf } from './time-predicates.js';
import type { FoundViews, ViewRef } from './views-in-query.js';

export type { ParamValue } from './time-eval.js';

/** µs since 1970-01-01 UTC, the catalog's unit. */
export type Micros = number;

/**
 * Event times [begin, end): begin inclusive, end exclusive, as the catalog's
 * block filter takes them; an omitted bound is open. `{}` is all time; begin
 * >= end is empty (the predicates contradict each other).
 */
export interface TimeRange {
  begin?: Micros;
  end?: Micros;
}

export interface RangeOptions {
  /** The session's TimeZone (a name DuckDB accepts): literals without a zone are read in it, as DuckDB does. */
  timeZone: string;
  /** Bound parameter values; $n is params[n-1]. */
  params?: readonly ParamValue[];
  /**
   * The value now() has when the statement runs, if known: inside a transaction block DuckDB's
   * now() is the transaction's start, so the caller must pass it. When omitted, the planning clock
   * stands in for it, which is only safe for bounds that rise with the clock (`time > now() - …`):
   * the statement runs later than it is planned, so upper bounds that use the clock are dropped.
   */
  now?: Micros;
}

export function intersectRanges(a: TimeRange, b: TimeRange): TimeRange {
  return withBounds(maxDefined(a.begin, b.begin), minDefined(a.end, b.end));
}

/** The smallest range holding both; an empty range adds nothing. */
export function hullRanges(a: TimeRange, b: TimeRange): TimeRange {
  if (isEmptyRange(a)) return b;
  if (isEmptyRange(b)) return a;
  const begin = a.begin === undefined || b.begin === undefined ? undefined : Math.min(a.begin, b.begin);
  const end = a.end === undefined || b.end === undefined ? undefined : Math.max(a.end, b.end);
  return withBounds(begin, end);
}

export function isEmptyRange(r: TimeRange): boolean {
  return r.begin !== undefined && r.end !== undefined && r.begin >= r.end;
}

/**
 * The event-time range each view ref needs, from the statement's predicates
 * on that view's time column. Never narrower than the rows the statement can
 * read: a predicate that is not understood (OR of unbounded branches, NOT,
 * functions, columns on both sides, missing parameters, values DuckDB cannot
 * cast) gives no bound; AND intersects; OR takes the hull of its branches.
 */
export async function deriveRanges(parser: DuckSqlParser, found: FoundViews, opts: RangeOptions): Promise<Map<ViewRef, TimeRange>> {
  const ranges = new Map<ViewRef, TimeRange>(found.refs.map((r) => [r, {}]));
  if (!found.parsed) return ranges;
  const conds = collectConditions(found.parsed);
  const leaves = leavesOf(conds);
  const ctx = { params: opts.params ?? [], nowUs: opts.now ?? Date.now() * 1000 };
  const usable: { leaf: Leaf; prepared: Prepared }[] = [];
  for (const leaf of leaves) {
    const prepared = prepare(parser, leaf.expr, ctx);
    if (prepared) usable.push({ leaf, prepared });
  }
  const items = usable.map((u) => ({ prepared: u.prepared, kind: u.leaf.scale.kind === 'timestamp' ? 'epoch_us' as const : 'double' as const }));
  const values = await evaluatePrepared(parser, items, opts.timeZone);
  const leafRanges = new Map<Leaf, TimeRange>();
  usable.forEach((u, i) => leafRanges.set(u.leaf, leafRange(u.leaf, values[i], opts.now !== undefined)));
  for (const ref of found.refs) {
    let range: TimeRange = {};
    for (const cond of conds) range = intersectRanges(range, rangeOf(cond, ref, leafRanges));
    ranges.set(ref, range);
  }
  return ranges;
}

function rangeOf(cond: Cond, ref: ViewRef, leafRanges: ReadonlyMap<Leaf, TimeRange>): TimeRange {
  switch (cond.kind) {
    case 'leaf':
      return cond.ref === ref ? leafRanges.get(cond) ?? {} : {};
    case 'and':
      return cond.items.reduce<TimeRange>((r, c) => intersectRanges(r, rangeOf(c, ref, leafRanges)), {});
    case 'or':
      return cond.items.map((c) => rangeOf(c, ref, leafRanges)).reduce(hullRanges, { begin: 0, end: 0 });
    default:
      return {};
  }
}

/** The range `<column> <op> value` allows, in µs, keeping only the bounds that are safe for the clock's use. */
function leafRange(leaf: Leaf, evaluated: Evaluated, nowIsExact: boolean): TimeRange {
  const v = evaluated.value;
  if (v === null) return {};
  const bounds = leaf.scale.kind === 'epoch' && leaf.scale.floored
    ? flooredBounds(v, leaf.scale.usPerUnit, leaf.op)
    : exactBounds(leaf.scale.kind === 'epoch' ? v * leaf.scale.usPerUnit : v, leaf.op);
  const { lowerOk, upperOk } = clockSafety(evaluated.clock, nowIsExact);
  return withBounds(lowerOk ? bounds.begin : undefined, upperOk ? bounds.end : undefined);
}

/**
 * A bound computed with the planning clock stands for one computed later:
 * a value that rises with the clock is then no larger than the true one
 * (safe as a lower bound), a falling one no smaller (safe as an upper bound).
 */
function clockSafety(clock: ClockSign, nowIsExact: boolean): { lowerOk: boolean; upperOk: boolean } {
  if (clock === 0 || nowIsExact) return { lowerOk: true, upperOk: true };
  return { lowerOk: clock === 1, upperOk: clock === -1 };
}

/** Integer µs t compared with real x; x off an integer may be a float product's rounding, so widen by 1 µs. */
function exactBounds(x: number, op: CompareOp): TimeRange {
  const slack = Number.isInteger(x) ? 0 : 1;
  const begin = op === '>' ? Math.floor(x) + 1 : Math.ceil(x);
  const end = op === '<' ? Math.ceil(x) : Math.floor(x) + 1;
  return select(op, begin - slack, end + slack);
}

/** floor(t / k) compared with n (epoch_ms): floor(t/k) >= n ⇔ t >= ceil(n)·k, floor(t/k) <= n ⇔ t < (floor(n)+1)·k. */
function flooredBounds(n: number, k: number, op: CompareOp): TimeRange {
  const begin = op === '>' ? (Math.floor(n) + 1) * k : Math.ceil(n) * k;
  const end = op === '<' ? Math.ceil(n) * k : (Math.floor(n) + 1) * k;
  return select(op, begin, end);
}

function select(op: CompareOp, begin: number, end: number): TimeRange {
  if (op === '>' || op === '>=') return withBounds(begin, undefined);
  if (op === '<' || op === '<=') return withBounds(undefined, end);
  return withBounds(begin, end);
}

/** Drops bounds that are not safe integers: far beyond any event time, and no longer exact. */
function withBounds(begin: number | undefined, end: number | undefined): TimeRange {
  const r: TimeRange = {};
  if (begin !== undefined && Number.isSafeInteger(begin)) r.begin = begin;
  if (end !== undefined && Number.isSafeInteger(end)) r.end = end;
  return r;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

export interface RangeOverrides {
  /** `sirius.query_range_begin`: events at or after it. Empty or undefined: no override. */
  begin?: string;
  /** `sirius.query_range_end`: events at or before it. */
  end?: string;
}

/**
 * The session's `sirius.query_range_begin/end` as a range. The values are
 * timestamps in any form DuckDB accepts, read in the session's TimeZone; an
 * end is inclusive (a range ending at '2026-01-02' keeps events stamped
 * exactly then). A value DuckDB cannot read is an error, not ignored.
 */
export async function evaluateOverrides(parser: DuckSqlParser, overrides: RangeOverrides, timeZone: string): Promise<TimeRange> {
  const settings = [
    ['sirius.query_range_begin', overrides.begin],
    ['sirius.query_range_end', overrides.end],
  ] as const;
  const values: (number | undefined)[] = [];
  for (const [name, raw] of settings) {
    if (raw === undefined || raw.trim() === '') {
      values.push(undefined);
      continue;
    }
    const node = parser.cast(parser.stringConstant(raw), 'TIMESTAMPTZ');
    const [v] = await parser.evaluate([{ expr: node, kind: 'epoch_us' }], timeZone);
    if (v === null) {
      throw new PgError(SqlState.InvalidDatetimeFormat, `invalid value for parameter "${name}": "${raw}"`, {
        hint: "Use a timestamp such as '2026-01-01T00:00:00Z'.",
      });
    }
    values.push(v);
  }
  return withBounds(values[0], values[1] === undefined ? undefined : values[1] + 1);
}

/** A derived range narrowed by the session's overrides (see evaluateOverrides). */
export function applyOverrides(range: TimeRange, overrides: TimeRange): TimeRange {
  return intersectRanges(range, overrides);
}

/**
 * The ranges per TEMP VIEW the server defines (refs with the same tableName
 * share one), as a sorted list of disjoint ranges: two uses of log_entries,
 * one in January and one in July, need January and July, not the months between.
 */
export function rangesByTable(ranges: ReadonlyMap<ViewRef, TimeRange>): Map<string, TimeRange[]> {
  const byTable = new Map<string, TimeRange[]>();
  for (const [ref, range] of ranges) {
    // A table whose every use is empty still gets an entry: its TEMP VIEW is defined, over no partition.
    const list = byTable.get(ref.tableName) ?? [];
    if (!isEmptyRange(range)) list.push(range);
    byTable.set(ref.tableName, list);
  }
  for (const [table, list] of byTable) byTable.set(table, mergeRanges(list));
  return byTable;
}

function mergeRanges(list: TimeRange[]): TimeRange[] {
  const sorted = [...list].sort((a, b) => (a.begin ?? -Infinity) - (b.begin ?? -Infinity));
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    const touches = last && (last.end === undefined || (r.begin !== undefined && r.begin <= last.end) || r.begin === undefined);
    if (touches) out[out.length - 1] = hullRanges(last, r);
    else out.push(r);
  }
  return out;
}
