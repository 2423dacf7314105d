import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig } from '../../../src/config/config.js';
import { EMBEDDED_CATALOG_FILE, openCatalog, SqliteCatalog } from '../../../src/datalake/catalog/index.js';
import { catalogContract, expectCatalogError } from './catalog-contract.js';
import { seedStream } from './rows-fixtures.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sirius-sqlite-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A second, independent connection to inspect the file the catalog wrote. */
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
  pragma(s: string, o?: { simple: boolean }): unknown;
  prepare(sql: string): { run(...p: unknown[]): unknown; all(): unknown[] };
  close(): void;
};

catalogContract('embedded SQLite', async () => {
  const dataDir = tempDir();
  return { open: () => openCatalog(defaultConfig({ dataDir, catalogUrl: '' })), cleanup: async () => undefined };
});

describe('SqliteCatalog', () => {
  it('lives in dataDir/catalog.sqlite, in WAL mode', async () => {
    const dataDir = join(tempDir(), 'not', 'yet');
    const catalog = await openCatalog(defaultConfig({ dataDir, catalogUrl: '' }));
    await catalog.migrate();
    await catalog.close();
    expect(catalog.describe()).toBe(`sqlite:${join(dataDir, EMBEDDED_CATALOG_FILE)}`);
    const db = new Database(join(dataDir, EMBEDDED_CATALOG_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version, name FROM sirius_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'datalake index' },
      { version: 2, name: 'lakehouse partitions' },
      { version: 3, name: 'lakehouse planning indexes' },
      { version: 4, name: 'retention and tail sampling' },
      { version: 5, name: 'partition build log' },
      { version: 6, name: 'custom views' },
    ]);
    db.close();
  });

  it('refuses a database migrated by a newer Sirius', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const first = new SqliteCatalog(path);
    await first.migrate();
    await first.close();
    const db = new Database(path);
    db.prepare('INSERT INTO sirius_migrations VALUES (99, ?, 0)').run('from the future');
    db.close();
    const again = new SqliteCatalog(path);
    await expectCatalogError(again.migrate(), 'SCHEMA', /schema version 99, newer than this Sirius knows \(6\)/);
    await again.close();
  });

  it('keeps every acknowledged block across SIGKILL', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const setup = new SqliteCatalog(path);
    await setup.migrate();
    const s = await seedStream(setup);
    await setup.close();
    const fixture = join(import.meta.dirname, 'fixtures', 'insert-until-killed.ts');
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, s.process_id, s.stream_id], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (out.split('\n').length > 200 + round * 37) (clearInterval(poll), resolve());
        }, 2);
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const acknowledged = out.split('\n').filter((l) => l.length === 36);
      const catalog = new SqliteCatalog(path);
      const stored = new Set((await catalog.listBlocks({ streamId: s.stream_id })).map((b) => b.block_id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      await catalog.close();
      const db = new Database(path);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }
  });

  it('rejects a catalog URL it does not know', async () => {
    await expect(openCatalog(defaultConfig({ catalogUrl: 'mysql://u:secret@h/db' }))).rejects.toThrow(ConfigError);
    await expect(openCatalog(defaultConfig({ catalogUrl: 'mysql://u:secret@h/db' }))).rejects.toThrow(/mysql:\/\/u:\*\*\*@h\/db/);
  });
});
