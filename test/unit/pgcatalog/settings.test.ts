import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { setUpSession, syncSettings } from '../../../src/pgcatalog/install.js';
import { SessionSettings } from '../../../src/sql/settings.js';
import { referencePg } from '../../helpers/sirius.js';

/** pg_settings of the emulation against PostgreSQL 15's, for the preset (PGC_INTERNAL) options clients read. */
const PRESETS = [
  'block_size', 'data_checksums', 'data_directory_mode', 'debug_assertions', 'integer_datetimes', 'lc_collate', 'lc_ctype',
  'max_function_args', 'max_identifier_length', 'max_index_keys', 'segment_size', 'wal_block_size', 'wal_segment_size',
];
const QUERY = `SELECT name, setting, unit, context FROM pg_settings WHERE name IN (${PRESETS.map((n) => `'${n}'`).join(', ')}) ORDER BY name`;

let engine: Engine;
let session: EngineSession;
let ref: pg.Client;

beforeAll(async () => {
  engine = await Engine.create({ memoryLimit: '', threads: 1, timeZone: 'UTC' });
  session = await engine.connect();
  await session.run(`ATTACH ':memory:' AS session_1; USE session_1`);
  await setUpSession(session, 'session_1', null);
  await syncSettings(session, new SessionSettings({ user: 'u', timeZone: 'UTC', serverVersion: '15.0', serverVersionNum: '150000' }), 1);
  ref = new pg.Client(referencePg);
  await ref.connect();
});

afterAll(async () => {
  await ref?.end();
  session?.close();
  engine?.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  const stream = await session.query(sql);
  const out: unknown[][] = [];
  for (let c = await stream.next(); c; c = await stream.next()) out.push(...c.getRows());
  return out;
}

describe('pg_settings preset options', () => {
  it('has the name, setting, unit and context PostgreSQL 15 shows', async () => {
    const expected = (await ref.query({ text: QUERY, rowMode: 'array' })).rows;
    expect(expected).toHaveLength(PRESETS.length);
    expect(await rows(QUERY)).toEqual(expected);
  });

  it('answers pgjdbc getImportedKeys query for max_index_keys', async () => {
    const q = "SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'";
    expect(await rows(q.replace('pg_catalog.', ''))).toEqual((await ref.query({ text: q, rowMode: 'array' })).rows);
  });

  it('shows a user-settable option with context user', async () => {
    expect(await rows("SELECT context, unit FROM pg_settings WHERE name = 'application_name'")).toEqual([['user', null]]);
  });
});
