import {
  MEMORY_KB, TIME_MS, anyString, boolCheck, enumCheck, identifierListCheck, intCheck, invalidValue, onlyBool, printableAscii, realCheck,
  unsupportedValue, type ValueCheck,
} from './settings-values.js';
import { resolveTimeZone } from './timezone.js';

/** Values that depend on the server and the connection rather than on PostgreSQL. */
export interface SettingsContext {
  /** The authenticated user: session_authorization. */
  user: string;
  /** The server's default time zone (Config.timeZone): TimeZone's default and SET TIME ZONE LOCAL. */
  timeZone: string;
  /** Reported as server_version, e.g. "15.0 (Sirius 0.1.0)". */
  serverVersion: string;
  /** Reported as server_version_num. */
  serverVersionNum: string;
}

export interface ParamDef {
  /** Spelling used by SHOW and ParameterStatus (DateStyle, TimeZone, IntervalStyle keep their capitals). */
  name: string;
  description: string;
  default: string | ((ctx: SettingsContext) => string);
  /** GUC_REPORT: a change is sent to the client as ParameterStatus. */
  reportable?: boolean;
  /** PGC_INTERNAL: SET fails with 55P02. */
  readOnly?: boolean;
  /** GUC_LIST_INPUT: `SET x = a, b` is accepted; GUC_LIST_QUOTE quotes each item as an identifier. */
  list?: 'plain' | 'quote';
  /** Session-state parameters (transaction_*) that SET changes only inside a transaction block. */
  transactional?: boolean;
  /** String-typed in PostgreSQL: its check errors name the parameter by its canonical spelling, not as typed. */
  stringType?: boolean;
  /** GUC_NO_SHOW_ALL: left out of SHOW ALL. */
  hidden?: boolean;
  check: ValueCheck;
}

const ISOLATION = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'];

/** SplitIdentifierString-style parse of DateStyle with check_datestyle's keywords; only ISO output is produced by Sirius. */
const dateStyleCheck: ValueCheck = (value, name, current) => {
  let style: string | null = null;
  let order: string | null = null;
  for (const rawItem of value.split(',')) {
    const item = rawItem.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    const nextStyle = ({ iso: 'ISO', sql: 'SQL', postgres: 'Postgres', german: 'German' } as Record<string, string>)[item];
    const nextOrder = ({ ymd: 'YMD', dmy: 'DMY', euro: 'DMY', european: 'DMY', mdy: 'MDY', us: 'MDY', noneuro: 'MDY', noneuropean: 'MDY' } as Record<string, string>)[item];
    if (item === 'default') {
      [style, order] = ['ISO', 'MDY'];
    } else if (nextStyle) {
      if (style && style !== nextStyle) throw invalidValue(name, value, { detail: 'Conflicting "datestyle" specifications.' });
      style = nextStyle;
    } else if (nextOrder) {
      if (order && order !== nextOrder) throw invalidValue(name, value, { detail: 'Conflicting "datestyle" specifications.' });
      order = nextOrder;
    } else {
      throw invalidValue(name, value, { detail: `Unrecognized key word: "${rawItem.trim()}".` });
    }
  }
  if (style && style !== 'ISO') {
    throw unsupportedValue(name, value, 'Sirius writes dates only in the ISO style.');
  }
  const [curStyle, curOrder] = current.split(',').map((s) => s.trim());
  return `${style ?? curStyle ?? 'ISO'}, ${order ?? (style === 'German' ? 'DMY' : curOrder ?? 'MDY')}`;
};

/** PostgreSQL's encoding names (pg_enc2name_tbl), compared after clean_encoding_name. */
const OTHER_ENCODINGS = [
  'SQL_ASCII', 'EUC_JP', 'EUC_CN', 'EUC_KR', 'EUC_TW', 'EUC_JIS_2004', 'MULE_INTERNAL', 'LATIN1', 'LATIN2', 'LATIN3',
  'LATIN4', 'LATIN5', 'LATIN6', 'LATIN7', 'LATIN8', 'LATIN9', 'LATIN10', 'WIN1256', 'WIN1258', 'WIN866', 'WIN874',
  'KOI8R', 'WIN1251', 'WIN1252', 'ISO_8859_5', 'ISO_8859_6', 'ISO_8859_7', 'ISO_8859_8', 'WIN1250', 'WIN1253',
  'WIN1254', 'WIN1255', 'WIN1257', 'KOI8U', 'SJIS', 'BIG5', 'GBK', 'UHC', 'GB18030', 'JOHAB', 'SHIFT_JIS_2004',
];
const cleanEncoding = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const clientEncodingCheck: ValueCheck = (value, name) => {
  const clean = cleanEncoding(value);
  // PostgreSQL keeps "UNICODE" as spelled, for old drivers that compare the reported name.
  if (clean === 'unicode') return 'UNICODE';
  if (clean === 'utf8') return 'UTF8';
  const other = OTHER_ENCODINGS.find((e) => cleanEncoding(e) === clean);
  if (other) throw unsupportedValue(name, value, `Conversion between ${other} and UTF8 is not supported.`);
  throw invalidValue(name, value);
};

const timeZoneCheck: ValueCheck = (value) => resolveTimeZone(value).display;

const readOnly = (name: string, description: string, value: string | ((ctx: SettingsContext) => string), reportable = false): ParamDef =>
  ({ name, description, default: value, readOnly: true, reportable, check: anyString });

const timeoutMs = (name: string, description: string): ParamDef =>
  ({ name, description, default: '0', check: intCheck(0, 2147483647, TIME_MS) });

const bool = (name: string, description: string, value: 'on' | 'off'): ParamDef =>
  ({ name, description, default: value, check: boolCheck });

/** The parameters Sirius knows, with PostgreSQL 15's defaults and pg_settings.short_desc. */
export const PARAMS: ParamDef[] = [
  { name: 'application_name', description: 'Sets the application name to be reported in statistics and logs.', default: '', reportable: true, check: printableAscii },
  { name: 'client_encoding', description: "Sets the client's character set encoding.", default: 'UTF8', reportable: true, stringType: true, check: clientEncodingCheck },
  { name: 'DateStyle', description: 'Sets the display format for date and time values.', default: 'ISO, MDY', reportable: true, list: 'plain', stringType: true, check: dateStyleCheck },
  { ...bool('default_transaction_read_only', 'Sets the default read-only status of new transactions.', 'off'), reportable: true },
  readOnly('in_hot_standby', 'Shows whether hot standby is currently active.', 'off', true),
  readOnly('integer_datetimes', 'Shows whether datetimes are integer based.', 'on', true),
  { name: 'IntervalStyle', description: 'Sets the display format for interval values.', default: 'postgres', reportable: true,
    check: enumCheck(['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601'], ['postgres'], 'Sirius writes intervals only in the postgres style.') },
  { ...readOnly('is_superuser', 'Shows whether the current user is a superuser.', 'on', true), hidden: true },
  readOnly('server_encoding', 'Shows the server (database) character set encoding.', 'UTF8', true),
  readOnly('server_version', 'Shows the server version.', (c) => c.serverVersion, true),
  { ...readOnly('session_authorization', 'Sets the session user name.', (c) => c.user, true), hidden: true },
  { name: 'standard_conforming_strings', description: "Causes '...' strings to treat backslashes literally.", default: 'on', reportable: true,
    check: onlyBool(true, 'Sirius supports only standard-conforming string literals.') },
  { name: 'TimeZone', description: 'Sets the time zone for displaying and interpreting time stamps.', default: (c) => c.timeZone, reportable: true, stringType: true, check: timeZoneCheck },

  { name: 'extra_float_digits', description: 'Sets the number of digits displayed for floating-point values.', default: '1', check: intCheck(-15, 3) },
  { name: 'search_path', description: 'Sets the schema search order for names that are not schema-qualified.', default: '"$user", public', list: 'quote', check: identifierListCheck },
  timeoutMs('statement_timeout', 'Sets the maximum allowed duration of any statement.'),
  timeoutMs('lock_timeout', 'Sets the maximum allowed duration of any wait for a lock.'),
  timeoutMs('idle_in_transaction_session_timeout', 'Sets the maximum allowed idle time between queries, when in a transaction.'),
  timeoutMs('idle_session_timeout', 'Sets the maximum allowed idle time between queries, when not in a transaction.'),
  { name: 'client_min_messages', description: 'Sets the message levels that are sent to the client.', default: 'notice',
    check: enumCheck(['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error']) },
  readOnly('max_identifier_length', 'Shows the maximum identifier length.', '63'),
  readOnly('server_version_num', 'Shows the server version as an integer.', (c) => c.serverVersionNum),
  readOnly('block_size', 'Shows the size of a disk block.', '8192'),
  // PostgreSQL 15's other preset options (PGC_INTERNAL), with a stock build's values: clients read them (pgjdbc's
  // getImportedKeys reads max_index_keys from pg_settings)
  readOnly('max_index_keys', 'Shows the maximum number of index keys.', '32'),
  readOnly('max_function_args', 'Shows the maximum number of function arguments.', '100'),
  readOnly('segment_size', 'Shows the number of pages per disk file.', '1GB'),
  readOnly('wal_block_size', 'Shows the block size in the write ahead log.', '8192'),
  readOnly('wal_segment_size', 'Shows the size of write ahead log segments.', '16MB'),
  readOnly('data_checksums', 'Shows whether data checksums are turned on for this cluster.', 'off'),
  readOnly('data_directory_mode', 'Shows the mode of the data directory.', '0700'),
  readOnly('debug_assertions', 'Shows whether the running server has assertion checks enabled.', 'off'),
  readOnly('lc_collate', 'Shows the collation order locale.', 'C.UTF-8'),
  readOnly('lc_ctype', 'Shows the character classification and case conversion locale.', 'C.UTF-8'),
  { name: 'transaction_isolation', description: "Sets the current transaction's isolation level.", default: 'read committed', transactional: true, check: enumCheck(ISOLATION) },
  { ...bool('transaction_read_only', "Sets the current transaction's read-only status.", 'off'), transactional: true },
  { ...bool('transaction_deferrable', 'Whether to defer a read-only serializable transaction until it can be executed with no possible serialization failures.', 'off'), transactional: true },
  { name: 'default_transaction_isolation', description: 'Sets the transaction isolation level of each new transaction.', default: 'read committed', check: enumCheck(ISOLATION) },
  bool('default_transaction_deferrable', 'Sets the default deferrable status of new transactions.', 'off'),
  { name: 'bytea_output', description: 'Sets the output format for bytea.', default: 'hex', check: enumCheck(['escape', 'hex'], ['hex'], 'Sirius writes bytea only in the hex format.') },
  bool('jit', 'Allow JIT compilation.', 'on'),
  bool('row_security', 'Enable row security.', 'on'),
  bool('check_function_bodies', 'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.', 'on'),
  bool('array_nulls', 'Enable input of NULL elements in arrays.', 'on'),
  bool('escape_string_warning', 'Warn about backslash escapes in ordinary string literals.', 'on'),
  bool('quote_all_identifiers', 'When generating SQL fragments, quote all identifiers.', 'off'),
  bool('enable_seqscan', "Enables the planner's use of sequential-scan plans.", 'on'),
  { name: 'xmloption', description: 'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.', default: 'content', check: enumCheck(['content', 'document']) },
  { name: 'synchronous_commit', description: "Sets the current transaction's synchronization level.", default: 'on', check: enumCheck(['local', 'remote_write', 'remote_apply', 'on', 'off']) },
  { name: 'backslash_quote', description: 'Sets whether "\\\'" is allowed in string literals.', default: 'safe_encoding', check: enumCheck(['safe_encoding', 'on', 'off']) },
  { name: 'plan_cache_mode', description: "Controls the planner's selection of custom or generic plan.", default: 'auto', check: enumCheck(['auto', 'force_generic_plan', 'force_custom_plan']) },
  { name: 'default_tablespace', description: 'Sets the default tablespace to create tables and indexes in.', default: '', check: anyString },
  { name: 'default_table_access_method', description: 'Sets the default table access method for new tables.', default: 'heap', check: anyString },
  { name: 'work_mem', description: 'Sets the maximum memory to be used for query workspaces.', default: '4MB', check: intCheck(64, 2147483647, MEMORY_KB) },
  { name: 'maintenance_work_mem', description: 'Sets the maximum memory to be used for maintenance operations.', default: '64MB', check: intCheck(1024, 2147483647, MEMORY_KB) },
  { name: 'max_parallel_workers_per_gather', description: 'Sets the maximum number of parallel processes per executor node.', default: '2', check: intCheck(0, 1024) },
  { name: 'cursor_tuple_fraction', description: "Sets the planner's estimate of the fraction of a cursor's rows that will be retrieved.", default: '0.1', check: realCheck(0, 1) },
  { name: 'lc_messages', description: 'Sets the language in which messages are displayed.', default: 'C.UTF-8', check: anyString },
  { name: 'lc_monetary', description: 'Sets the locale for formatting monetary amounts.', default: 'C.UTF-8', check: anyString },
  { name: 'lc_numeric', description: 'Sets the locale for formatting numbers.', default: 'C.UTF-8', check: anyString },
  { name: 'lc_time', description: 'Sets the locale for formatting date and time values.', default: 'C.UTF-8', check: anyString },
  { name: 'timezone_abbreviations', description: 'Selects a file of time zone abbreviations.', default: 'Default', check: anyString },
];

export const PARAMS_BY_KEY: ReadonlyMap<string, ParamDef> = new Map(PARAMS.map((p) => [p.name.toLowerCase(), p]));

export function defaultOf(def: ParamDef, ctx: SettingsContext): string {
  return typeof def.default === 'function' ? def.default(ctx) : def.default;
}

/** The GUC_REPORT parameters in the order PostgreSQL 15 sends them after authentication. */
export const REPORTABLE: readonly string[] = PARAMS.filter((p) => p.reportable).map((p) => p.name);
