import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { ENUM_LIMIT } from '../../../src/lakehouse/column-plan.js';
import { writeParquet } from '../../../src/lakehouse/parquet-writer.js';
import { StagedRows, type StageColumn } from '../../../src/views/index.js';

describe('writeParquet', () => {
  let engine: Engine;
  let session: EngineSession;
  let conn: DuckDBConnection;
  const dir = mkdtempSync(join(tmpdir(), 'sirius-writer-'));
  let n = 0;
  beforeAll(async () => {
    engine = await Engine.create({ memoryLimit: '', threads: 2, timeZone: 'UTC' });
    session = await engine.connect();
    conn = session.connection;
  });
  afterAll(() => {
    session.close();
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function roundTrip(rows: StagedRows, select = '*'): Promise<Record<string, unknown>[]> {
    const path = join(dir, `t${n++}.parquet`);
    await writeParquet(conn, rows, path);
    return (await conn.runAndReadAll(`SELECT ${select} FROM read_parquet('${path}')`)).getRowObjects() as Record<string, unknown>[];
  }

  it('writes numbers, times and strings exactly, over several chunks', async () => {
    const cols: StageColumn[] = [
      { name: 'i', kind: 'i64', type: 'BIGINT' },
      { name: 't', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'lvl', kind: 'u8', type: 'INTEGER' },
      { name: 'x', kind: 'f64', type: 'DOUBLE' },
      { name: 'ticks', kind: 'ticks', type: 'BIGINT' },
      { name: 's', kind: 'str', type: 'VARCHAR' },
    ];
    const rows = new StagedRows(cols, 1);
    const count = 5000;
    const at = rows.grow(count);
    for (let k = 0; k < count; k++) {
      const r = at + k;
      rows.column<Float64Array>('i')[r] = k % 2 ? -(2 ** 52) + k : 2 ** 53 - 1 - k;
      rows.column<Float64Array>('t')[r] = k % 3 === 0 ? -1_500.75 - k : 1_700_000_000_123_456.9 + k;
      rows.column<Uint8Array>('lvl')[r] = (k % 6) + 1;
      rows.column<Float64Array>('x')[r] = k / 7;
      rows.column<BigInt64Array>('ticks')[r] = 9_223_372_036_854_775_807n - BigInt(k);
      rows.setString('s', r, `v${k % 9}`);
    }
    const got = await roundTrip(rows, 'i, epoch_us(t) AS t, lvl, x, ticks, s');
    expect(got).toHaveLength(count);
    got.forEach((row, k) => {
      expect(row).toEqual({
        i: BigInt(k % 2 ? -(2 ** 52) + k : 2 ** 53 - 1 - k),
        t: BigInt(Math.floor(k % 3 === 0 ? -1_500.75 - k : 1_700_000_000_123_456.9 + k)),
        lvl: (k % 6) + 1,
        x: k / 7,
        ticks: 9_223_372_036_854_775_807n - BigInt(k),
        s: `v${k % 9}`,
      });
    });
  });

  it('handles a dictionary too large for an ENUM, strings with NUL, JSON and lists', async () => {
    const cols: StageColumn[] = [
      { name: 'big', kind: 'str', type: 'VARCHAR' },
      { name: 'nul', kind: 'str', type: 'VARCHAR' },
      { name: 'j', kind: 'json', type: 'JSON' },
      { name: 'tags', kind: 'strlist', type: 'VARCHAR[]' },
    ];
    const rows = new StagedRows(cols);
    const count = ENUM_LIMIT + 10;
    const at = rows.grow(count);
    for (let k = 0; k < count; k++) {
      rows.setString('big', at + k, `unique ${k} é`);
      rows.setString('nul', at + k, k % 2 ? 'a\u0000b' : 'plain');
      rows.setString('j', at + k, k % 3 ? `{"k":${k}}` : 'not json');
      rows.setString('tags', at + k, JSON.stringify(['log', `t${k % 2}`]));
    }
    const got = await roundTrip(rows, "big, nul, CAST(j AS VARCHAR) AS j, typeof(j) AS jt, array_to_string(tags, ',') AS tags");
    got.forEach((row, k) =>
      expect(row).toEqual({ big: `unique ${k} é`, nul: k % 2 ? 'a\u0000b' : 'plain', j: k % 3 ? `{"k":${k}}` : '"not json"', jt: 'JSON', tags: `log,t${k % 2}` }),
    );
  });

  it('writes NULLs, runs and inline texts', async () => {
    const cols: StageColumn[] = [
      { name: 'maybe', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
      { name: 'parent', kind: 'str', type: 'VARCHAR', nullable: true },
      { name: 'pid', kind: 'str', type: 'VARCHAR', runs: true },
      { name: 'at', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE', runs: true },
      { name: 'msg', kind: 'str', type: 'VARCHAR', texts: true },
      { name: 'never', kind: 'str', type: 'VARCHAR', nullable: true },
    ];
    const rows = new StagedRows(cols);
    const count = 4100;
    rows.grow(count);
    for (let k = 0; k < count; k++) {
      if (k % 5 === 0) rows.setNull('maybe', k);
      else rows.column<Float64Array>('maybe')[k] = 1_000_000 + k;
      rows.setString('parent', k, k % 2 ? null : `p${k % 4}`);
      if (k % 1000 === 0) (rows.setRun('pid', k, `process ${k / 1000}`), rows.setRun('at', k, 5_000_000 * (k / 1000)));
      if (k % 3 === 0) rows.setText('msg', k, `formatted ${k}`);
      else rows.setString('msg', k, `static ${k % 4}`);
      rows.setNull('never', k);
    }
    const got = await roundTrip(rows, 'epoch_us(maybe) AS maybe, parent, pid, epoch_us("at") AS "at", msg, never');
    got.forEach((row, k) =>
      expect(row).toEqual({
        maybe: k % 5 === 0 ? null : BigInt(1_000_000 + k),
        parent: k % 2 ? null : `p${k % 4}`,
        pid: `process ${Math.floor(k / 1000)}`,
        at: BigInt(5_000_000 * Math.floor(k / 1000)),
        msg: k % 3 === 0 ? `formatted ${k}` : `static ${k % 4}`,
        never: null,
      }),
    );
  });

  it('writes inline texts of any UTF-8 and any length exactly (one buffer per chunk)', async () => {
    const cols: StageColumn[] = [{ name: 'msg', kind: 'str', type: 'VARCHAR', texts: true }];
    const rows = new StagedRows(cols);
    const count = 2 * 2048 + 7;
    rows.grow(count);
    const big = 'é✓😀x'.repeat(30_000); // ~300 KB of UTF-8 in one text: the chunk's buffer grows
    const text = (k: number): string => (k === 2100 ? big : `${k} — naïve 中文 😀 ${'·'.repeat(k % 50)}`);
    for (let k = 0; k < count; k++) {
      if (k % 4 === 3) rows.setString('msg', k, 'static');
      else rows.setText('msg', k, k % 11 === 0 ? '' : text(k));
    }
    const got = await roundTrip(rows, 'msg');
    got.forEach((row, k) => expect(row.msg, `row ${k}`).toBe(k % 4 === 3 ? 'static' : k % 11 === 0 ? '' : text(k)));
  });

  it('keeps what the connection had: TEMP tables of a large dictionary are dropped', async () => {
    const rows = new StagedRows([{ name: 'big', kind: 'str', type: 'VARCHAR' }]);
    const at = rows.grow(ENUM_LIMIT + 1);
    for (let k = 0; k <= ENUM_LIMIT; k++) rows.setString('big', at + k, `s${k}`);
    await roundTrip(rows);
    const tables = (await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE temporary`)).getRowObjects();
    expect(tables).toEqual([]);
  });
});
