import { descendants, nodeAt, nodesAt, stringAt, stringLiteral, type AstNode } from './duck-ast.js';
import type { ParsedStatement, ViewRef } from './views-in-query.js';

export type CompareOp = '>' | '>=' | '<' | '<=' | '=';

/**
 * What the compared value measures: the time column itself (the other side
 * is a timestamp), or an epoch number derived from it (`epoch(time)`,
 * `extract(epoch FROM time)`, `epoch_ms(time)`, `epoch_us(time)`), which is
 * how Grafana's `$__unixEpochFilter` gets applied to a timestamp column.
 */
export type Scale = { kind: 'timestamp' } | { kind: 'epoch'; usPerUnit: number; floored: boolean };

/** `<time column of ref, on scale> <op> <expr>`, the view's column on the left. */
export interface Leaf {
  kind: 'leaf';
  ref: ViewRef;
  op: CompareOp;
  scale: Scale;
  expr: AstNode;
}

export type Cond = Leaf | { kind: 'and' | 'or'; items: Cond[] } | { kind: 'unknown' };

const UNKNOWN: Cond = { kind: 'unknown' };

const COMPARISONS: Record<string, CompareOp> = {
  COMPARE_EQUAL: '=', COMPARE_GREATERTHAN: '>', COMPARE_GREATERTHANOREQUALTO: '>=',
  COMPARE_LESSTHAN: '<', COMPARE_LESSTHANOREQUALTO: '<=',
};
const FLIPPED: Record<CompareOp, CompareOp> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=', '=': '=' };

/**
 * Which sides of a join its ON condition may bound. A condition filters the
 * rows of a side only when that side's unmatched rows are dropped: both sides
 * of an inner or semi join, only the null-extended side of an outer join.
 */
const BOUNDED_SIDES: Record<string, 'both' | 'left' | 'right'> = {
  INNER: 'both', SEMI: 'both', RIGHT_SEMI: 'both', LEFT: 'right', ANTI: 'right', RIGHT: 'left', RIGHT_ANTI: 'left',
};

interface FromItem {
  /** The name columns are qualified with: the alias, else the table's (or rewritten view_instance's) name. */
  binding: string;
  ref?: ViewRef;
}

/**
 * The conditions on view refs that a statement's WHERE clauses and join
 * conditions impose, one Cond per clause. A predicate bounds a ref only in
 * the SELECT whose FROM holds that ref (inside a CTE or subquery too).
 * Every comparison kept is null-rejecting, which is what makes a WHERE
 * conjunct safe to apply to either side of an outer join.
 */
export function collectConditions(parsed: ParsedStatement): Cond[] {
  const out: Cond[] = [];
  for (const node of descendants(parsed.statements)) {
    if (node.type !== 'SELECT_NODE') continue;
    const items: FromItem[] = [];
    const joins: { join: AstNode; left: ViewRef[]; right: ViewRef[] }[] = [];
    const refs = flattenFrom(nodeAt(node, 'from_table'), parsed.refOf, items, joins);
    if (refs.length === 0) continue;
    const where = nodeAt(node, 'where_clause');
    if (where) out.push(toCond(where, new Binder(items, new Set(refs))));
    for (const { join, left, right } of joins) {
      const condition = nodeAt(join, 'condition');
      const sides = BOUNDED_SIDES[stringAt(join, 'join_type')];
      if (!condition || !sides || stringAt(join, 'ref_type') !== 'REGULAR') continue;
      const allowed = sides === 'both' ? [...left, ...right] : sides === 'left' ? left : right;
      out.push(toCond(condition, new Binder(items, new Set(allowed))));
    }
  }
  return out;
}

function flattenFrom(
  table: AstNode | undefined,
  refOf: ReadonlyMap<AstNode, ViewRef>,
  items: FromItem[],
  joins: { join: AstNode; left: ViewRef[]; right: ViewRef[] }[],
): ViewRef[] {
  if (!table) return [];
  if (table.type === 'JOIN') {
    const left = flattenFrom(nodeAt(table, 'left'), refOf, items, joins);
    const right = flattenFrom(nodeAt(table, 'right'), refOf, items, joins);
    joins.push({ join: table, left, right });
    return [...left, ...right];
  }
  const ref = refOf.get(table);
  const alias = stringAt(table, 'alias');
  const name = ref ? ref.tableName : stringAt(table, 'table_name') || stringAt(nodeAt(table, 'function'), 'function_name');
  items.push({ binding: (alias || name).toLowerCase(), ref });
  return ref ? [ref] : [];
}

/** Resolves column references of one SELECT to view time columns, as DuckDB's binder would. */
class Binder {
  constructor(
    private readonly items: readonly FromItem[],
    private readonly allowed: ReadonlySet<ViewRef>,
  ) {}

  /** The ref whose time column `node` (a COLUMN_REF) names, if it may be bounded here. */
  timeColumnOf(node: AstNode): ViewRef | null {
    const names = Array.isArray(node.column_names) ? node.column_names.map((n) => String(n).toLowerCase()) : [];
    if (names.length === 0) return null;
    const column = names[names.length - 1];
    let ref: ViewRef | undefined;
    if (names.length === 1) {
      // An unqualified name that two FROM items have is an ambiguity error in DuckDB; no bound then.
      const candidates = this.items.filter((i) => i.ref && i.ref.timeColumn.toLowerCase() === column);
      ref = candidates.length === 1 ? candidates[0].ref : undefined;
    } else {
      const qualifier = names[names.length - 2];
      const item = this.items.find((i) => i.binding === qualifier);
      ref = item?.ref && item.ref.timeColumn.toLowerCase() === column ? item.ref : undefined;
    }
    return ref && this.allowed.has(ref) ? ref : null;
  }

  /** `time`, `time::timestamptz`, or an epoch function of it; null for anything else. */
  measured(node: AstNode): { ref: ViewRef; scale: Scale } | null {
    if (node.class === 'COLUMN_REF') {
      const ref = this.timeColumnOf(node);
      return ref ? { ref, scale: { kind: 'timestamp' } } : null;
    }
    if (node.class === 'CAST' && stringAt(nodeAt(node, 'cast_type'), 'id') === 'TIMESTAMP WITH TIME ZONE') {
      const child = nodeAt(node, 'child');
      return child ? this.measured(child) : null;
    }
    if (node.class !== 'FUNCTION' || !['', 'main'].includes(stringAt(node, 'schema'))) return null;
    const args = nodesAt(node, 'children');
    const name = stringAt(node, 'function_name');
    const scale = epochScale(name, args);
    const column = args[args.length - 1];
    if (!scale || !column) return null;
    const inner = this.measured(column);
    return inner && inner.scale.kind === 'timestamp' ? { ref: inner.ref, scale } : null;
  }
}

function epochScale(name: string, args: AstNode[]): Scale | null {
  if (name === 'epoch' && args.length === 1) return { kind: 'epoch', usPerUnit: 1e6, floored: false };
  if (name === 'epoch_us' && args.length === 1) return { kind: 'epoch', usPerUnit: 1, floored: false };
  if (name === 'epoch_ms' && args.length === 1) return { kind: 'epoch', usPerUnit: 1e3, floored: true };
  if (name === 'date_part' && args.length === 2 && stringLiteral(args[0])?.toLowerCase() === 'epoch') {
    return { kind: 'epoch', usPerUnit: 1e6, floored: false };
  }
  return null;
}

function toCond(expr: AstNode, binder: Binder): Cond {
  const children = nodesAt(expr, 'children');
  switch (expr.type) {
    case 'CONJUNCTION_AND':
      return { kind: 'and', items: children.map((c) => toCond(c, binder)) };
    case 'CONJUNCTION_OR':
      return { kind: 'or', items: children.map((c) => toCond(c, binder)) };
    case 'COMPARE_BETWEEN': {
      const input = nodeAt(expr, 'input');
      const lower = nodeAt(expr, 'lower');
      const upper = nodeAt(expr, 'upper');
      const m = input ? binder.measured(input) : null;
      if (!m || !lower || !upper) return UNKNOWN;
      return { kind: 'and', items: [leaf(m, '>=', lower), leaf(m, '<=', upper)] };
    }
    case 'COMPARE_IN': {
      const m = children[0] ? binder.measured(children[0]) : null;
      return m ? { kind: 'or', items: children.slice(1).map((v) => leaf(m, '=', v)) } : UNKNOWN;
    }
    default:
      return comparison(expr, binder);
  }
}

function comparison(expr: AstNode, binder: Binder): Cond {
  const op = expr.type ? COMPARISONS[expr.type] : undefined;
  const left = nodeAt(expr, 'left');
  const right = nodeAt(expr, 'right');
  if (!op || !left || !right) return UNKNOWN;
  const onLeft = binder.measured(left);
  if (onLeft) return leaf(onLeft, op, right);
  const onRight = binder.measured(right);
  return onRight ? leaf(onRight, FLIPPED[op], left) : UNKNOWN;
}

function leaf(m: { ref: ViewRef; scale: Scale }, op: CompareOp, expr: AstNode): Leaf {
  return { kind: 'leaf', ref: m.ref, scale: m.scale, op, expr };
}

export function leavesOf(conds: readonly Cond[]): Leaf[] {
  const out: Leaf[] = [];
  const visit = (c: Cond): void => {
    if (c.kind === 'leaf') out.push(c);
    else if (c.kind !== 'unknown') c.items.forEach(visit);
  };
  conds.forEach(visit);
  return out;
}
