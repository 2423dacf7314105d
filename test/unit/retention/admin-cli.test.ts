import { describe, expect, it } from 'vitest';
import { adminStatements, parseAdminArgs } from '../../../src/cli/admin.js';
import { formatTable, ProgressView } from '../../../src/cli/admin-output.js';
import { ConfigError } from '../../../src/config/config.js';

/** `sirius admin`: which SQL each command sends, and how results and progress are printed. */
const sqlOf = (argv: string[]): string[] => adminStatements(parseAdminArgs(argv)).map((s) => s.sql);

describe('sirius admin commands', () => {
  it('become the administration SQL, with arguments quoted as string literals', () => {
    expect(sqlOf(['retention', 'run'])).toEqual(['SELECT * FROM run_retention()']);
    expect(sqlOf(['retention', 'set', 'spans', '14 days'])).toEqual(["SELECT * FROM set_retention_policy('spans', '14 days')"]);
    expect(sqlOf(['keep', 'a', 'b', '--expires', '30 days'])).toEqual(["SELECT * FROM keep_processes('a,b', '30 days')"]);
    expect(sqlOf(['keep', '--query', "SELECT process_id FROM log_entries WHERE target = 'x'"])).toEqual(["SELECT * FROM keep_processes('SELECT process_id FROM log_entries WHERE target = ''x''')"]);
    expect(sqlOf(['unkeep', 'a'])).toEqual(["SELECT * FROM unkeep_processes('a')"]);
    expect(sqlOf(['delete-process', 'p'])).toEqual(["SELECT * FROM delete_process('p')"]);
    expect(sqlOf(['spans', 'p'])).toEqual(["SELECT * FROM list_span_streams('p')"]);
    expect(sqlOf(['status'])).toHaveLength(7);
  });

  it('take the connection from the server’s flags and refuse what they do not know', () => {
    const a = parseAdminArgs(['--pg-port', '5444', '--user=bob', '--password', 'pw', 'kept']);
    expect(a).toMatchObject({ command: ['kept'], user: 'bob', configFlags: ['--pg-port=5444', '--password=pw'] });
    expect(() => parseAdminArgs(['--frob', '1'])).toThrow(ConfigError);
    expect(() => sqlOf(['keep'])).toThrow(/give process ids or --query/);
    expect(() => sqlOf(['keep', 'a', '--query', 'SELECT 1'])).toThrow(/not both/);
    expect(() => sqlOf(['retention', 'later'])).toThrow(/expected run, policies, history or set/);
    expect(() => sqlOf(['delete-process'])).toThrow(/expected one process id/);
    expect(() => parseAdminArgs(['--progress', 'fancy'])).toThrow(/bar, lines or none/);
  });
});

describe('sirius admin output', () => {
  it('aligns a table as psql does, with a row count', () => {
    expect(formatTable(['kind', 'blocks'], [{ kind: 'log', blocks: '12' }, { kind: 'spans', blocks: null }])).toBe(
      ' kind  | blocks\n-------+--------\n log   | 12\n spans |\n(2 rows)\n',
    );
  });

  it('moves a bar on "done/total" notices and prints other notices as lines', () => {
    let err = '';
    const view = new ProgressView('bar', { out: () => undefined, err: (t) => void (err += t), isTTY: true });
    view.notice('retention: 0/4 expired block(s) deleted');
    view.notice('retention: 2/4 expired block(s) deleted');
    view.notice('retention: done');
    expect(err).toBe(
      `\r[${'-'.repeat(30)}] 0/4 expired block(s) deleted\x1b[K\r[${'#'.repeat(15)}${'-'.repeat(15)}] 2/4 expired block(s) deleted\x1b[K\nretention: done\n`,
    );
    let lines = '';
    const plain = new ProgressView('lines', { out: () => undefined, err: (t) => void (lines += t), isTTY: false });
    plain.notice('retention: 1/2 expired block(s) deleted');
    expect(lines).toBe('retention: 1/2 expired block(s) deleted\n');
  });
});
