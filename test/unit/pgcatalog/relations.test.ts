import { DECIMAL, INTEGER, LIST, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createViewSql } from '../../../src/pgcatalog/build.js';
import { catalogRelations, emulatedRelations } from '../../../src/pgcatalog/relations.js';
import { pgTypeRow } from '../../../src/pgcatalog/types.js';

describe('catalogRelations', () => {
  const views = {
    defs: new Map([['measures', { timeColumn: 'time' }], ['log_entries', { timeColumn: 'time' }]]),
    lakehouse: { emptyRelationSql: (name: string) => `SELECT … FROM ${name}` },
  };
  const describeSql = async (sql: string) =>
    sql.includes('log_entries')
      ? [{ name: 'time', type: TIMESTAMPTZ }, { name: 'level', type: INTEGER }, { name: 'tags', type: LIST(VARCHAR) }]
      : [{ name: 'value', type: DECIMAL(10, 2) }];

  it('lists every view set of the ViewDefs in schema public, with PostgreSQL types, from OID 16384', async () => {
    const rels = await catalogRelations(views, describeSql);
    const telemetry = rels.filter((r) => r.schema === 'public');
    expect(telemetry.map((r) => [r.oid, r.name, r.kind])).toEqual([[16384, 'log_entries', 'v'], [16385, 'measures', 'v']]);
    expect(telemetry[0].columns).toEqual([
      { name: 'time', typeOid: 1184, typmod: -1 },
      { name: 'level', typeOid: 23, typmod: -1 },
      { name: 'tags', typeOid: 1009, typmod: -1 },
    ]);
    expect(telemetry[1].columns).toEqual([{ name: 'value', typeOid: 1700, typmod: ((10 << 16) | 2) + 4 }]);
  });

  it('lists the emulated relations with their PostgreSQL OIDs', async () => {
    const rels = await catalogRelations(null, describeSql);
    expect(rels.find((r) => r.name === 'pg_class')).toMatchObject({ oid: 1259, schema: 'pg_catalog', kind: 'r' });
    expect(rels.find((r) => r.name === 'columns')).toMatchObject({ schema: 'information_schema', kind: 'v' });
    expect(rels.length).toBe(emulatedRelations().length);
    for (const r of rels) for (const c of r.columns) expect(pgTypeRow(c.typeOid), `${r.name}.${c.name}`).toBeDefined();
  });
});

describe('createViewSql', () => {
  it('gives every PostgreSQL column a value of its type', () => {
    const sql = createViewSql('s', 'v', [['a', 'INTEGER'], ['b', 'BOOLEAN'], ['c', 'VARCHAR']], { from: 't', cols: { c: 't.x' } });
    expect(sql).toBe('CREATE OR REPLACE VIEW s."v" AS SELECT CAST(0 AS INTEGER) AS "a", CAST(false AS BOOLEAN) AS "b", CAST(t.x AS VARCHAR) AS "c" FROM t');
  });

  it('refuses a column PostgreSQL does not have', () => {
    expect(() => createViewSql('s', 'v', [['a', 'INTEGER']], { cols: { nope: '1' } })).toThrow('v.nope is not a PostgreSQL 15 column');
  });
});
