import { describe, expect, it } from 'vitest';
import { NULL_ID, StagedRows, TEXT_ID } from '../../../src/views/index.js';

describe('StagedRows', () => {
  const columns = [
    { name: 'n', kind: 'f64', type: 'DOUBLE' },
    { name: 's', kind: 'str', type: 'VARCHAR', nullable: true },
    { name: 'j', kind: 'json', type: 'JSON' },
    { name: 'r', kind: 'str', type: 'VARCHAR', runs: true },
    { name: 'm', kind: 'str', type: 'VARCHAR', texts: true },
  ] as const;

  it('grows columns keeping what was written, and interns strings once per column', () => {
    const rows = new StagedRows(columns.map((c) => ({ ...c })), 2);
    for (let k = 0; k < 10; k++) {
      const at = rows.grow(1);
      rows.column<Float64Array>('n')[at] = k;
      rows.setString('s', at, k % 2 ? `odd` : null);
    }
    expect(rows.count).toBe(10);
    expect([...rows.column<Float64Array>('n').subarray(0, 10)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.dict('s').values).toEqual(['odd']);
    expect([...rows.column<Uint32Array>('s').subarray(0, 4)]).toEqual([NULL_ID, 0, NULL_ID, 0]);
    expect([...rows.raw(1).nulls!.subarray(0, 4)]).toEqual([1, 0, 1, 0]);
  });

  it('keeps JSON that parses and turns other text into a JSON string', () => {
    const rows = new StagedRows(columns.map((c) => ({ ...c })));
    rows.grow(3);
    rows.setString('j', 0, '{"a":1}');
    rows.setString('j', 1, 'oops {');
    rows.setString('j', 2, '{"a":1}');
    expect(rows.dict('j').values).toEqual(['{"a":1}', '"oops {"']);
  });

  it('stores run columns as runs and inline texts apart, and truncates both', () => {
    const rows = new StagedRows(columns.map((c) => ({ ...c })));
    rows.grow(6);
    rows.setRun('r', 0, 'a');
    rows.setRun('r', 2, 'a');
    rows.setRun('r', 3, 'b');
    rows.setRun('r', 5, 'c');
    rows.setText('m', 1, 'one');
    rows.setString('m', 2, 'static');
    rows.setText('m', 4, 'four');
    expect(rows.raw(3).runs).toEqual({ starts: [0, 3, 5], values: [0, 1, 2] });
    expect(rows.raw(4).texts).toEqual({ rows: [1, 4], values: ['one', 'four'] });
    expect(rows.column<Uint32Array>('m')[4]).toBe(TEXT_ID);
    rows.truncate(4);
    expect(rows.raw(3).runs).toEqual({ starts: [0, 3], values: [0, 1] });
    expect(rows.raw(4).texts).toEqual({ rows: [1], values: ['one'] });
    expect(() => rows.column('r')).toThrow(/stored as runs/);
    expect(() => rows.setNull('n', 0)).toThrow(/not nullable/);
    expect(() => rows.column('nope')).toThrow(/no staged column 'nope'/);
  });
});
