import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { VIEW_MACROS_SQL } from '../../../src/views/index.js';

describe('view macros', () => {
  let engine: Engine;
  let session: EngineSession;
  beforeAll(async () => {
    engine = await Engine.create({ memoryLimit: '', threads: 1, timeZone: 'UTC' });
    session = await engine.connect();
    for (const sql of VIEW_MACROS_SQL) await session.run(sql);
    // Sessions use a catalog of their own (docs/decisions.md): TEMP macros stay visible.
    await session.run(`ATTACH ':memory:' AS session_1; USE session_1`);
  });
  afterAll(() => {
    session.close();
    engine.close();
  });

  const one = async (sql: string): Promise<unknown> => (await session.connection.runAndReadAll(sql)).getRows()[0][0];

  it.each([
    ['plain', 'service', 'checkout'],
    ['dotted', 'a.b', 'dot'],
    ['dollar', '$x', 'dollar'],
    ['quote', 'say "hi"', 'quoted'],
    ['backslash', 'back\\slash', 'bs'],
    ['missing', 'nope', null],
    ['nested', 'obj', '{"k":1}'],
  ])('property_get finds a %s key', async (_what, key, value) => {
    const props = JSON.stringify({ service: 'checkout', 'a.b': 'dot', $x: 'dollar', 'say "hi"': 'quoted', 'back\\slash': 'bs', obj: { k: 1 } });
    const sqlKey = key.replace(/'/g, "''");
    expect(await one(`SELECT property_get('${props.replace(/'/g, "''")}'::JSON, '${sqlKey}')`)).toBe(value);
  });

  it('property_get of NULL properties is NULL; properties_length counts keys', async () => {
    expect(await one(`SELECT property_get(NULL::JSON, 'a')`)).toBeNull();
    expect(await one(`SELECT properties_length('{"a":"1","b":"2"}'::JSON)`)).toBe(2n);
    expect(await one(`SELECT properties_length('{}'::JSON)`)).toBe(0n);
  });
});
