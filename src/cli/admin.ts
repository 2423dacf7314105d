import pg from 'pg';
import { ConfigError, loadConfig } from '../config/config.js';
import { formatTable, processOutput, ProgressView, type Output, type ProgressMode } from './admin-output.js';

/**
 * `sirius admin …`: the administration SQL of docs/retention.md and
 * docs/tail-sampling.md from a shell. It connects to a running server over
 * the PostgreSQL protocol (SIRIUS_PG_HOST / SIRIUS_PG_PORT / SIRIUS_PASSWORD
 * or --pg-host / --pg-port / --password, and --user) and runs the same
 * statements a psql user would, showing their NOTICEs as progress.
 */
export const ADMIN_USAGE = `usage: sirius admin [--pg-host H] [--pg-port P] [--user U] [--password PW] [--progress bar|lines|none] <command>

commands:
  status                              storage per kind, partitions, cache, decoded blocks, kept processes, recent retention runs
  retention run                       delete expired data now (progress bar)
  retention policies                  the retention of each stream kind
  retention set <kind> <age|default>  e.g. retention set spans '14 days'
  retention history                   recent retention runs and process deletions
  keep <process_id>… [--expires E]    keep processes from retention (E: '30 days', a timestamp or never)
  keep --query <SQL> [--expires E]    keep the processes a query returns (first column)
  unkeep <process_id>… | --query <SQL>
  kept                                the kept processes
  spans <process_id>                  a process's span streams, for view_instance('thread_spans', stream_id)
  delete-process <process_id>         delete all of one process's data (progress bar)
`;

interface AdminArgs {
  command: string[];
  user: string;
  query?: string;
  expires?: string;
  progress?: ProgressMode;
  configFlags: string[];
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export function parseAdminArgs(argv: string[]): AdminArgs {
  const a: AdminArgs = { command: [], user: 'sirius', configFlags: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!flag.startsWith('--')) {
      a.command.push(argv[i]);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`option '${flag}' needs a value`);
    if (flag === '--user') a.user = value;
    else if (flag === '--query') a.query = value;
    else if (flag === '--expires') a.expires = value;
    else if (flag === '--progress') {
      if (!['bar', 'lines', 'none'].includes(value)) throw new ConfigError(`--progress: expected bar, lines or none, got '${value}'`);
      a.progress = value as ProgressMode;
    } else if (['--pg-host', '--pg-port', '--password'].includes(flag)) a.configFlags.push(`${flag}=${value}`);
    else throw new ConfigError(`unknown option '${flag}'`);
  }
  return a;
}

/** The statements of a command: [title, SQL, long-running?]. */
export function adminStatements(a: AdminArgs): { title?: string; sql: string; long?: boolean }[] {
  const [cmd, ...rest] = a.command;
  const processes = (): string => {
    if (a.query !== undefined && rest.length > 0) throw new ConfigError(`${cmd}: give process ids or --query, not both`);
    if (a.query !== undefined) return lit(a.query);
    if (rest.length === 0) throw new ConfigError(`${cmd}: give process ids or --query <SQL>`);
    return lit(rest.join(','));
  };
  const one = (what: string): string => {
    if (rest.length !== 1) throw new ConfigError(`${cmd}: expected one ${what}`);
    return lit(rest[0]);
  };
  switch (cmd) {
    case 'status':
      return [
        { title: 'Storage by stream kind', sql: 'SELECT * FROM storage_by_kind()' },
        { title: 'Retention policies', sql: 'SELECT kind, stream_tags, max_age, source FROM list_retention_policies()' },
        { title: 'Partitions', sql: 'SELECT * FROM partition_stats()' },
        { title: 'Partition cache (this server)', sql: 'SELECT * FROM cache_stats()' },
        { title: 'Blocks decoded per view set (this server)', sql: 'SELECT * FROM decoded_blocks()' },
        { title: 'Kept processes', sql: 'SELECT count(*) AS kept_processes FROM list_kept_processes()' },
        { title: 'Recent retention runs', sql: 'SELECT trigger, started_at, status, blocks_deleted, processes_deleted FROM retention_history() LIMIT 5' },
      ];
    case 'retention': {
      const [sub, ...args] = rest;
      if (sub === 'run' && args.length === 0) return [{ sql: 'SELECT * FROM run_retention()', long: true }];
      if (sub === 'policies' && args.length === 0) return [{ sql: 'SELECT * FROM list_retention_policies()' }];
      if (sub === 'history' && args.length === 0) return [{ sql: 'SELECT * FROM retention_history()' }];
      if (sub === 'set' && args.length === 2) return [{ sql: `SELECT * FROM set_retention_policy(${lit(args[0])}, ${lit(args[1])})` }];
      throw new ConfigError(`retention: expected run, policies, history or set <kind> <age>`);
    }
    case 'keep':
      return [{ sql: `SELECT * FROM keep_processes(${processes()}${a.expires === undefined ? '' : `, ${lit(a.expires)}`})`, long: true }];
    case 'unkeep':
      return [{ sql: `SELECT * FROM unkeep_processes(${processes()})`, long: true }];
    case 'kept':
      return [{ sql: 'SELECT * FROM list_kept_processes()' }];
    case 'spans':
      return [{ sql: `SELECT * FROM list_span_streams(${one('process id')})` }];
    case 'delete-process':
      return [{ sql: `SELECT * FROM delete_process(${one('process id')})`, long: true }];
    case undefined:
      throw new ConfigError('sirius admin: which command?');
    default:
      throw new ConfigError(`sirius admin: unknown command '${cmd}'`);
  }
}

/** Runs a command against a server; returns the exit code (1 when the server refused a statement). */
export async function runAdmin(argv: string[], io: Output = processOutput, env: Record<string, string | undefined> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(ADMIN_USAGE);
    return 0;
  }
  const args = parseAdminArgs(argv);
  const statements = adminStatements(args);
  const config = loadConfig(env, args.configFlags);
  const client = new pg.Client({ host: config.pgHost, port: config.pgPort, user: args.user, password: config.password || undefined, database: 'sirius', application_name: 'sirius admin' });
  const view = new ProgressView(args.progress ?? (io.isTTY ? 'bar' : 'lines'), io);
  client.on('notice', (n) => view.notice(n.message ?? ''));
  await client.connect();
  try {
    for (const s of statements) {
      const result = await client.query(s.sql);
      view.finish();
      io.out(`${s.title ? `${s.title}\n` : ''}${formatTable(result.fields.map((f) => f.name), result.rows)}${statements.length > 1 ? '\n' : ''}`);
    }
    return 0;
  } catch (err) {
    view.finish();
    if (!(err instanceof pg.DatabaseError)) throw err;
    io.err(`sirius admin: ERROR ${err.code}: ${err.message}\n${err.hint ? `HINT: ${err.hint}\n` : ''}`);
    return 1;
  } finally {
    await client.end();
  }
}
