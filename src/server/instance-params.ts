import { Oid, pgTypeInfo } from '../pgtypes/oids.js';
import { decodeUtf8 } from '../pgtypes/param-binary.js';
import { instanceParamRefs, renameTables, withInstanceIds } from '../sql/view-instance-params.js';
import type { FoundViews } from '../sql/views-in-query.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * Execute of a statement whose view_instance ids are bound parameters
 * (sql/view-instance-params.ts): the ids are read from the Bind values, the
 * views become those of literal ids, and the DuckDB text names their TEMP VIEWs.
 */
export interface BoundInstances {
  views: FoundViews;
  /** The DuckDB text to prepare for this execution. */
  sql: string;
}

/** Parameter values as Bind gave them; `oids` are the types the statement reported (ParameterDescription). */
export interface BindValues {
  params: readonly (Buffer | null)[];
  formats: readonly (0 | 1)[];
  oids: readonly number[];
}

export function bindInstanceParams(views: FoundViews, duckSql: string, values: BindValues): BoundInstances | null {
  if (instanceParamRefs(views).length === 0) return null;
  const { found, tableNames } = withInstanceIds(views, (n) => instanceId(n, values));
  return { views: found, sql: renameTables(duckSql, tableNames) };
}

const TEXT_OIDS = new Set<number>([0, Oid.text, Oid.varchar, Oid.bpchar, Oid.name, Oid.unknown]);

/** Parameter n as an instance id: text as sent, a uuid in its canonical lower-case form. */
function instanceId(n: number, { params, formats, oids }: BindValues): string {
  if (n > params.length) throw new PgError(SqlState.UndefinedParameter, `there is no parameter $${n}`);
  const value = params[n - 1];
  if (value === null) {
    throw new PgError(SqlState.InvalidParameterValue, `view_instance: the instance id ($${n}) is null`, {
      hint: "Bind a process or stream id, or 'global'.",
    });
  }
  const oid = oids[n - 1] ?? 0;
  if (oid === Oid.uuid) return formats[n - 1] === 1 ? uuidText(value, n) : decodeUtf8(value).toLowerCase();
  if (TEXT_OIDS.has(oid)) return decodeUtf8(value);
  throw new PgError(SqlState.InvalidParameterValue, `view_instance: the instance id ($${n}) must be text or uuid, not ${pgTypeInfo(oid)?.name ?? `type ${oid}`}`);
}

function uuidText(value: Buffer, n: number): string {
  if (value.length !== 16) {
    throw new PgError(SqlState.InvalidBinaryRepresentation, `incorrect binary data format in bind parameter ${n}`);
  }
  const hex = value.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * How the client's parameters map onto the DuckDB statement once view_instance calls took theirs
 * (sql/view-instance-params.ts renumberParameters).
 */
export interface ParamLayout {
  /** DuckDB's $k is the client's $clientOf[k-1]. */
  clientOf: number[];
  /** The types of the parameters that only name a view instance, by client number: declared, else text (uuid when cast to it). */
  instanceOids: Map<number, number>;
  /** Parameters the client binds: the highest $n of its statement, or more if it declared more types. */
  clientCount: number;
}

export function paramLayout(views: FoundViews, clientOf: number[], highest: number, declared: readonly number[]): ParamLayout {
  const instanceOids = new Map<number, number>();
  for (const ref of instanceParamRefs(views)) {
    const { number, type } = ref.instanceParam!;
    instanceOids.set(number, declared[number - 1] || (type === 'uuid' ? Oid.uuid : Oid.text));
  }
  return { clientOf, instanceOids, clientCount: Math.max(highest, declared.length) };
}

/**
 * ParameterDescription in the client's numbering: DuckDB's types where DuckDB has the parameter,
 * the view_instance ids' types, the declared type of a parameter nothing else uses.
 */
export function clientParamOids(layout: ParamLayout, duckOids: readonly number[], declared: readonly number[]): number[] {
  const oids: number[] = [];
  for (let n = 1; n <= layout.clientCount; n++) {
    const k = layout.clientOf.indexOf(n);
    const oid = k >= 0 ? duckOids[k] : layout.instanceOids.get(n) ?? declared[n - 1] ?? 0;
    if (!oid) throw new PgError(SqlState.IndeterminateDatatype, `could not determine data type of parameter $${n}`);
    oids.push(oid);
  }
  return oids;
}
