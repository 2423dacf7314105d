/**
 * One emulated relation: PostgreSQL's columns (from pg-columns.ts) filled from
 * SQL expressions over `from`; a column without an expression gets a neutral
 * value (false, 0 or NULL), so every relation has exactly PostgreSQL's shape.
 */
export interface RelationDef {
  /** FROM clause; absent: the relation has no rows. */
  from?: string;
  cols: Readonly<Record<string, string>>;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function neutral(type: string, schema: string): string {
  // information_schema leaves what does not apply NULL; pg_catalog has zeroes and falses
  if (schema.endsWith('.info')) return 'NULL';
  if (type === 'BOOLEAN') return 'false';
  if (type === 'INTEGER' || type === 'SMALLINT' || type === 'BIGINT' || type === 'REAL' || type === 'DOUBLE') return '0';
  return 'NULL';
}

/** CREATE VIEW for one relation; throws on an expression for a column PostgreSQL does not have (a typo). */
export function createViewSql(schema: string, name: string, columns: readonly (readonly [string, string])[], def: RelationDef): string {
  const known = new Set(columns.map(([n]) => n));
  for (const col of Object.keys(def.cols)) {
    if (!known.has(col)) throw new Error(`${name}.${col} is not a PostgreSQL 15 column`);
  }
  const select = columns.map(([n, t]) => `CAST(${def.cols[n] ?? neutral(t, schema)} AS ${t}) AS ${quoteIdent(n)}`).join(', ');
  return `CREATE OR REPLACE VIEW ${schema}.${quoteIdent(name)} AS SELECT ${select}${def.from ? ` FROM ${def.from}` : ' WHERE false'}`;
}
