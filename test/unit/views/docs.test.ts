import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIEW_SETS } from '../../../src/views/index.js';

/** The column tables of docs/views.md, by view set: [name, type] per row. */
function documentedColumns(): Map<string, [string, string][]> {
  const text = readFileSync(join(import.meta.dirname, '../../../docs/views.md'), 'utf8');
  const out = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (\w+)\s*$/.exec(line);
    if (heading) out.set(heading[1], (current = []));
    const row = /^\| `([^`]+)` \| ([^|]+?) \|/.exec(line);
    if (row && current) current.push([row[1], row[2].trim()]);
  }
  return out;
}

describe('docs/views.md', () => {
  const docs = documentedColumns();
  it.each(VIEW_SETS.map((v) => [v.name, v] as const))('lists every column of %s with its type, in order', (name, v) => {
    expect(docs.get(name)).toEqual(v.columns.map((c) => [c.name, c.type]));
  });
});
