import { isStreamKind, STREAM_KINDS, type KeptProcessRow } from '../datalake/catalog/index.js';
import { formatAge, type EffectivePolicy, type RetentionReport } from '../retention/index.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { checkProcessId } from './admin-args.js';
import type { AdminColumn, AdminFunction, AdminValue } from './admin-functions.js';

/**
 * Tail sampling and retention as table functions (issue 5, docs/tail-sampling.md, docs/retention.md):
 *
 *   SELECT * FROM keep_processes('<ids> | <query>' [, '<expiry>'])   -- admin
 *   SELECT * FROM unkeep_processes('<ids> | <query>')                -- admin
 *   SELECT * FROM list_kept_processes()
 *   SELECT * FROM list_span_streams('<process_id>')
 *   SELECT * FROM list_retention_policies()
 *   SELECT * FROM set_retention_policy('<kind>', '<max age>' | 'default')   -- admin
 *   SELECT * FROM run_retention()                                    -- admin
 *   SELECT * FROM delete_process('<process_id>')                     -- admin
 *
 * Those that change or delete data are for admins only (42501 otherwise), as in admin-functions.ts.
 */
const ts = (us: number | null): AdminValue => (us === null ? null : { us });

const KEPT_COLUMNS: AdminColumn[] = [
  { name: 'process_id', type: 'VARCHAR' },
  { name: 'kept_at', type: 'TIMESTAMPTZ' },
  { name: 'expires_at', type: 'TIMESTAMPTZ' },
  { name: 'note', type: 'VARCHAR' },
];
const keptRow = (k: KeptProcessRow): AdminValue[] => [k.process_id, ts(k.kept_at), ts(k.expires_at), k.note];

const POLICY_COLUMNS: AdminColumn[] = [
  { name: 'kind', type: 'VARCHAR' },
  { name: 'stream_tags', type: 'VARCHAR' },
  { name: 'max_age', type: 'VARCHAR' },
  { name: 'max_age_us', type: 'BIGINT' },
  { name: 'source', type: 'VARCHAR' },
];
const policyRow = (p: EffectivePolicy): AdminValue[] => [p.kind, p.tags.join(', '), formatAge(p.maxAgeUs), p.maxAgeUs, p.source];

export const REPORT_COLUMNS: AdminColumn[] = [
  { name: 'run_id', type: 'VARCHAR' },
  { name: 'blocks_deleted', type: 'BIGINT' },
  { name: 'events_deleted', type: 'BIGINT' },
  { name: 'bytes_deleted', type: 'BIGINT' },
  { name: 'streams_deleted', type: 'BIGINT' },
  { name: 'processes_deleted', type: 'BIGINT' },
  { name: 'partitions_retired', type: 'BIGINT' },
  { name: 'objects_deleted', type: 'BIGINT' },
  { name: 'keeps_expired', type: 'BIGINT' },
  { name: 'ms', type: 'BIGINT' },
];
const reportRow = (r: RetentionReport): AdminValue[] => [r.runId, r.blocks, r.events, r.bytes, r.streams, r.processes, r.partitionsRetired, r.objectsDeleted, r.keepsExpired, r.ms];

/** What the note of a keep says: the query that chose the processes, or 'ids'. */
const noteOf = (text: string): string => (/^\s*\(?\s*(select|with|from|values|table)\b/i.test(text) ? text.trim().slice(0, 1000) : 'ids');

export const RETENTION_FUNCTIONS: readonly AdminFunction[] = [
  {
    name: 'keep_processes',
    params: ['processes', 'expires'],
    optional: 1,
    adminOnly: true,
    viewSetArg: null,
    columns: KEPT_COLUMNS,
    async run(ctx, [processes, expires]) {
      const { retention } = ctx.services();
      const ids = await ctx.processIds(processes);
      const until = expires === undefined ? undefined : await ctx.expiry(expires);
      const kept = await retention.keep(ids, until, noteOf(processes));
      const missing = ids.filter((id) => !kept.some((k) => k.process_id === id));
      if (missing.length > 0) ctx.progress(`keep_processes: ${missing.length} process id(s) not in the catalog, not kept: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
      ctx.progress(`keep_processes: ${kept.length} process(es) kept`);
      return kept.map(keptRow);
    },
  },
  {
    name: 'unkeep_processes',
    params: ['processes'],
    optional: 0,
    adminOnly: true,
    viewSetArg: null,
    columns: [{ name: 'process_id', type: 'VARCHAR' }],
    async run(ctx, [processes]) {
      const { retention } = ctx.services();
      const gone = await retention.unkeep(await ctx.processIds(processes));
      ctx.progress(`unkeep_processes: ${gone.length} process(es) no longer kept`);
      return gone.map((id) => [id]);
    },
  },
  {
    name: 'list_kept_processes',
    params: [],
    optional: 0,
    adminOnly: false,
    viewSetArg: null,
    columns: KEPT_COLUMNS,
    run: async (ctx) => (await ctx.services().retention.listKept()).map(keptRow),
  },
  {
    name: 'list_span_streams',
    params: ['process_id'],
    optional: 0,
    adminOnly: false,
    viewSetArg: null,
    columns: [
      { name: 'stream_id', type: 'VARCHAR' },
      { name: 'thread_name', type: 'VARCHAR' },
      { name: 'thread_id', type: 'VARCHAR' },
      { name: 'blocks', type: 'BIGINT' },
      { name: 'events', type: 'BIGINT' },
      { name: 'query', type: 'VARCHAR' },
    ],
    async run(ctx, [processId]) {
      const { catalog } = ctx.services();
      const id = checkProcessId(processId);
      const streams = await catalog.listStreams({ processId: id, tag: 'cpu' });
      const rows: AdminValue[][] = [];
      for (const s of streams) {
        // the catalog's counts only: listing span streams decodes nothing
        const slices = await catalog.blockSlices({ streamId: s.stream_id, sliceWidth: Number.MAX_SAFE_INTEGER });
        const blocks = slices.reduce((n, x) => n + x.blockCount, 0);
        const events = slices.reduce((n, x) => n + x.objectCount, 0);
        rows.push([s.stream_id, s.properties.thread_name ?? null, s.properties.thread_id ?? null, blocks, events, `SELECT * FROM view_instance('thread_spans', '${s.stream_id}')`]);
      }
      return rows;
    },
  },
  {
    name: 'list_retention_policies',
    params: [],
    optional: 0,
    adminOnly: false,
    viewSetArg: null,
    columns: POLICY_COLUMNS,
    run: async (ctx) => (await ctx.services().retention.policies()).map(policyRow),
  },
  {
    name: 'set_retention_policy',
    params: ['kind', 'max_age'],
    optional: 0,
    adminOnly: true,
    viewSetArg: null,
    columns: POLICY_COLUMNS,
    async run(ctx, [kind, maxAge]) {
      if (!isStreamKind(kind)) throw new PgError(SqlState.InvalidParameterValue, `set_retention_policy: unknown stream kind "${kind}"`, { hint: `kinds: ${STREAM_KINDS.join(', ')}` });
      const us = /^\s*default\s*$/i.test(maxAge) ? null : await ctx.interval('max_age', maxAge);
      const policy = await ctx.services().retention.setPolicy(kind, us);
      ctx.progress(`set_retention_policy: ${kind} data is kept ${formatAge(policy.maxAgeUs)} (${policy.source})`);
      return [policyRow(policy)];
    },
  },
  {
    name: 'run_retention',
    params: [],
    optional: 0,
    adminOnly: true,
    viewSetArg: null,
    columns: REPORT_COLUMNS,
    run: async (ctx) => [reportRow(await ctx.services().retention.run('sql', ctx.progress))],
  },
  {
    name: 'delete_process',
    params: ['process_id'],
    optional: 0,
    adminOnly: true,
    viewSetArg: null,
    columns: REPORT_COLUMNS,
    run: async (ctx, [processId]) => [reportRow(await ctx.services().retention.deleteProcess(checkProcessId(processId), ctx.progress))],
  },
];
