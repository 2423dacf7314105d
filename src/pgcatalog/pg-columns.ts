import { PG_CHAR_TYPE } from './model.js';

/**
 * Column names of PostgreSQL 15 catalog relations, in order, with the DuckDB type each is
 * emulated with (oid → INTEGER, name/"char"/regproc/pg_node_tree → VARCHAR, int2vector →
 * SMALLINT[], aclitem[] → VARCHAR[], information_schema domains → their base types).
 * Exceptions that clients' decoding needs: pg_attribute.atttypid is UINTEGER (sent as oid, so
 * array_agg(atttypid) is oid[] as asyncpg's introspection expects) and pg_type.typtype is
 * PG_CHAR_TYPE (sent as "char").
 * Taken from pg_attribute of a PostgreSQL 15.20 server (format_type of each column).
 */
export const PG_CATALOG_COLUMNS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  pg_aggregate: [
    ['aggfnoid', 'VARCHAR'], ['aggkind', 'VARCHAR'], ['aggnumdirectargs', 'SMALLINT'], ['aggtransfn', 'VARCHAR'],
    ['aggfinalfn', 'VARCHAR'], ['aggcombinefn', 'VARCHAR'], ['aggserialfn', 'VARCHAR'], ['aggdeserialfn', 'VARCHAR'],
    ['aggmtransfn', 'VARCHAR'], ['aggminvtransfn', 'VARCHAR'], ['aggmfinalfn', 'VARCHAR'],
    ['aggfinalextra', 'BOOLEAN'], ['aggmfinalextra', 'BOOLEAN'], ['aggfinalmodify', 'VARCHAR'],
    ['aggmfinalmodify', 'VARCHAR'], ['aggsortop', 'INTEGER'], ['aggtranstype', 'INTEGER'],
    ['aggtransspace', 'INTEGER'], ['aggmtranstype', 'INTEGER'], ['aggmtransspace', 'INTEGER'],
    ['agginitval', 'VARCHAR'], ['aggminitval', 'VARCHAR'],
  ],
  pg_am: [
    ['oid', 'INTEGER'], ['amname', 'VARCHAR'], ['amhandler', 'VARCHAR'], ['amtype', 'VARCHAR'],
  ],
  pg_attrdef: [
    ['oid', 'INTEGER'], ['adrelid', 'INTEGER'], ['adnum', 'SMALLINT'], ['adbin', 'VARCHAR'],
  ],
  pg_attribute: [
    ['attrelid', 'INTEGER'], ['attname', 'VARCHAR'], ['atttypid', 'UINTEGER'], ['attstattarget', 'INTEGER'],
    ['attlen', 'SMALLINT'], ['attnum', 'SMALLINT'], ['attndims', 'INTEGER'], ['attcacheoff', 'INTEGER'],
    ['atttypmod', 'INTEGER'], ['attbyval', 'BOOLEAN'], ['attalign', 'VARCHAR'], ['attstorage', 'VARCHAR'],
    ['attcompression', 'VARCHAR'], ['attnotnull', 'BOOLEAN'], ['atthasdef', 'BOOLEAN'], ['atthasmissing', 'BOOLEAN'],
    ['attidentity', 'VARCHAR'], ['attgenerated', 'VARCHAR'], ['attisdropped', 'BOOLEAN'], ['attislocal', 'BOOLEAN'],
    ['attinhcount', 'INTEGER'], ['attcollation', 'INTEGER'], ['attacl', 'VARCHAR[]'], ['attoptions', 'VARCHAR[]'],
    ['attfdwoptions', 'VARCHAR[]'], ['attmissingval', 'VARCHAR'],
  ],
  pg_auth_members: [
    ['roleid', 'INTEGER'], ['member', 'INTEGER'], ['grantor', 'INTEGER'], ['admin_option', 'BOOLEAN'],
  ],
  pg_authid: [
    ['oid', 'INTEGER'], ['rolname', 'VARCHAR'], ['rolsuper', 'BOOLEAN'], ['rolinherit', 'BOOLEAN'],
    ['rolcreaterole', 'BOOLEAN'], ['rolcreatedb', 'BOOLEAN'], ['rolcanlogin', 'BOOLEAN'],
    ['rolreplication', 'BOOLEAN'], ['rolbypassrls', 'BOOLEAN'], ['rolconnlimit', 'INTEGER'],
    ['rolpassword', 'VARCHAR'], ['rolvaliduntil', 'TIMESTAMPTZ'],
  ],
  pg_available_extensions: [
    ['name', 'VARCHAR'], ['default_version', 'VARCHAR'], ['installed_version', 'VARCHAR'], ['comment', 'VARCHAR'],
  ],
  pg_cast: [
    ['oid', 'INTEGER'], ['castsource', 'INTEGER'], ['casttarget', 'INTEGER'], ['castfunc', 'INTEGER'],
    ['castcontext', 'VARCHAR'], ['castmethod', 'VARCHAR'],
  ],
  pg_class: [
    ['oid', 'INTEGER'], ['relname', 'VARCHAR'], ['relnamespace', 'INTEGER'], ['reltype', 'INTEGER'],
    ['reloftype', 'INTEGER'], ['relowner', 'INTEGER'], ['relam', 'INTEGER'], ['relfilenode', 'INTEGER'],
    ['reltablespace', 'INTEGER'], ['relpages', 'INTEGER'], ['reltuples', 'REAL'], ['relallvisible', 'INTEGER'],
    ['reltoastrelid', 'INTEGER'], ['relhasindex', 'BOOLEAN'], ['relisshared', 'BOOLEAN'],
    ['relpersistence', 'VARCHAR'], ['relkind', 'VARCHAR'], ['relnatts', 'SMALLINT'], ['relchecks', 'SMALLINT'],
    ['relhasrules', 'BOOLEAN'], ['relhastriggers', 'BOOLEAN'], ['relhassubclass', 'BOOLEAN'],
    ['relrowsecurity', 'BOOLEAN'], ['relforcerowsecurity', 'BOOLEAN'], ['relispopulated', 'BOOLEAN'],
    ['relreplident', 'VARCHAR'], ['relispartition', 'BOOLEAN'], ['relrewrite', 'INTEGER'], ['relfrozenxid', 'BIGINT'],
    ['relminmxid', 'BIGINT'], ['relacl', 'VARCHAR[]'], ['reloptions', 'VARCHAR[]'], ['relpartbound', 'VARCHAR'],
  ],
  pg_collation: [
    ['oid', 'INTEGER'], ['collname', 'VARCHAR'], ['collnamespace', 'INTEGER'], ['collowner', 'INTEGER'],
    ['collprovider', 'VARCHAR'], ['collisdeterministic', 'BOOLEAN'], ['collencoding', 'INTEGER'],
    ['collcollate', 'VARCHAR'], ['collctype', 'VARCHAR'], ['colliculocale', 'VARCHAR'], ['collversion', 'VARCHAR'],
  ],
  pg_constraint: [
    ['oid', 'INTEGER'], ['conname', 'VARCHAR'], ['connamespace', 'INTEGER'], ['contype', 'VARCHAR'],
    ['condeferrable', 'BOOLEAN'], ['condeferred', 'BOOLEAN'], ['convalidated', 'BOOLEAN'], ['conrelid', 'INTEGER'],
    ['contypid', 'INTEGER'], ['conindid', 'INTEGER'], ['conparentid', 'INTEGER'], ['confrelid', 'INTEGER'],
    ['confupdtype', 'VARCHAR'], ['confdeltype', 'VARCHAR'], ['confmatchtype', 'VARCHAR'], ['conislocal', 'BOOLEAN'],
    ['coninhcount', 'INTEGER'], ['connoinherit', 'BOOLEAN'], ['conkey', 'SMALLINT[]'], ['confkey', 'SMALLINT[]'],
    ['conpfeqop', 'INTEGER[]'], ['conppeqop', 'INTEGER[]'], ['conffeqop', 'INTEGER[]'],
    ['confdelsetcols', 'SMALLINT[]'], ['conexclop', 'INTEGER[]'], ['conbin', 'VARCHAR'],
  ],
  pg_conversion: [
    ['oid', 'INTEGER'], ['conname', 'VARCHAR'], ['connamespace', 'INTEGER'], ['conowner', 'INTEGER'],
    ['conforencoding', 'INTEGER'], ['contoencoding', 'INTEGER'], ['conproc', 'VARCHAR'], ['condefault', 'BOOLEAN'],
  ],
  pg_database: [
    ['oid', 'INTEGER'], ['datname', 'VARCHAR'], ['datdba', 'INTEGER'], ['encoding', 'INTEGER'],
    ['datlocprovider', 'VARCHAR'], ['datistemplate', 'BOOLEAN'], ['datallowconn', 'BOOLEAN'],
    ['datconnlimit', 'INTEGER'], ['datfrozenxid', 'BIGINT'], ['datminmxid', 'BIGINT'], ['dattablespace', 'INTEGER'],
    ['datcollate', 'VARCHAR'], ['datctype', 'VARCHAR'], ['daticulocale', 'VARCHAR'], ['datcollversion', 'VARCHAR'],
    ['datacl', 'VARCHAR[]'],
  ],
  pg_depend: [
    ['classid', 'INTEGER'], ['objid', 'INTEGER'], ['objsubid', 'INTEGER'], ['refclassid', 'INTEGER'],
    ['refobjid', 'INTEGER'], ['refobjsubid', 'INTEGER'], ['deptype', 'VARCHAR'],
  ],
  pg_description: [
    ['objoid', 'INTEGER'], ['classoid', 'INTEGER'], ['objsubid', 'INTEGER'], ['description', 'VARCHAR'],
  ],
  pg_enum: [
    ['oid', 'INTEGER'], ['enumtypid', 'INTEGER'], ['enumsortorder', 'REAL'], ['enumlabel', 'VARCHAR'],
  ],
  pg_event_trigger: [
    ['oid', 'INTEGER'], ['evtname', 'VARCHAR'], ['evtevent', 'VARCHAR'], ['evtowner', 'INTEGER'],
    ['evtfoid', 'INTEGER'], ['evtenabled', 'VARCHAR'], ['evttags', 'VARCHAR[]'],
  ],
  pg_extension: [
    ['oid', 'INTEGER'], ['extname', 'VARCHAR'], ['extowner', 'INTEGER'], ['extnamespace', 'INTEGER'],
    ['extrelocatable', 'BOOLEAN'], ['extversion', 'VARCHAR'], ['extconfig', 'INTEGER[]'],
    ['extcondition', 'VARCHAR[]'],
  ],
  pg_foreign_server: [
    ['oid', 'INTEGER'], ['srvname', 'VARCHAR'], ['srvowner', 'INTEGER'], ['srvfdw', 'INTEGER'], ['srvtype', 'VARCHAR'],
    ['srvversion', 'VARCHAR'], ['srvacl', 'VARCHAR[]'], ['srvoptions', 'VARCHAR[]'],
  ],
  pg_foreign_table: [
    ['ftrelid', 'INTEGER'], ['ftserver', 'INTEGER'], ['ftoptions', 'VARCHAR[]'],
  ],
  pg_index: [
    ['indexrelid', 'INTEGER'], ['indrelid', 'INTEGER'], ['indnatts', 'SMALLINT'], ['indnkeyatts', 'SMALLINT'],
    ['indisunique', 'BOOLEAN'], ['indnullsnotdistinct', 'BOOLEAN'], ['indisprimary', 'BOOLEAN'],
    ['indisexclusion', 'BOOLEAN'], ['indimmediate', 'BOOLEAN'], ['indisclustered', 'BOOLEAN'],
    ['indisvalid', 'BOOLEAN'], ['indcheckxmin', 'BOOLEAN'], ['indisready', 'BOOLEAN'], ['indislive', 'BOOLEAN'],
    ['indisreplident', 'BOOLEAN'], ['indkey', 'SMALLINT[]'], ['indcollation', 'INTEGER[]'], ['indclass', 'INTEGER[]'],
    ['indoption', 'SMALLINT[]'], ['indexprs', 'VARCHAR'], ['indpred', 'VARCHAR'],
  ],
  pg_indexes: [
    ['schemaname', 'VARCHAR'], ['tablename', 'VARCHAR'], ['indexname', 'VARCHAR'], ['tablespace', 'VARCHAR'],
    ['indexdef', 'VARCHAR'],
  ],
  pg_inherits: [
    ['inhrelid', 'INTEGER'], ['inhparent', 'INTEGER'], ['inhseqno', 'INTEGER'], ['inhdetachpending', 'BOOLEAN'],
  ],
  pg_language: [
    ['oid', 'INTEGER'], ['lanname', 'VARCHAR'], ['lanowner', 'INTEGER'], ['lanispl', 'BOOLEAN'],
    ['lanpltrusted', 'BOOLEAN'], ['lanplcallfoid', 'INTEGER'], ['laninline', 'INTEGER'], ['lanvalidator', 'INTEGER'],
    ['lanacl', 'VARCHAR[]'],
  ],
  pg_locks: [
    ['locktype', 'VARCHAR'], ['database', 'INTEGER'], ['relation', 'INTEGER'], ['page', 'INTEGER'],
    ['tuple', 'SMALLINT'], ['virtualxid', 'VARCHAR'], ['transactionid', 'BIGINT'], ['classid', 'INTEGER'],
    ['objid', 'INTEGER'], ['objsubid', 'SMALLINT'], ['virtualtransaction', 'VARCHAR'], ['pid', 'INTEGER'],
    ['mode', 'VARCHAR'], ['granted', 'BOOLEAN'], ['fastpath', 'BOOLEAN'], ['waitstart', 'TIMESTAMPTZ'],
  ],
  pg_matviews: [
    ['schemaname', 'VARCHAR'], ['matviewname', 'VARCHAR'], ['matviewowner', 'VARCHAR'], ['tablespace', 'VARCHAR'],
    ['hasindexes', 'BOOLEAN'], ['ispopulated', 'BOOLEAN'], ['definition', 'VARCHAR'],
  ],
  pg_namespace: [
    ['oid', 'INTEGER'], ['nspname', 'VARCHAR'], ['nspowner', 'INTEGER'], ['nspacl', 'VARCHAR[]'],
  ],
  pg_opclass: [
    ['oid', 'INTEGER'], ['opcmethod', 'INTEGER'], ['opcname', 'VARCHAR'], ['opcnamespace', 'INTEGER'],
    ['opcowner', 'INTEGER'], ['opcfamily', 'INTEGER'], ['opcintype', 'INTEGER'], ['opcdefault', 'BOOLEAN'],
    ['opckeytype', 'INTEGER'],
  ],
  pg_operator: [
    ['oid', 'INTEGER'], ['oprname', 'VARCHAR'], ['oprnamespace', 'INTEGER'], ['oprowner', 'INTEGER'],
    ['oprkind', 'VARCHAR'], ['oprcanmerge', 'BOOLEAN'], ['oprcanhash', 'BOOLEAN'], ['oprleft', 'INTEGER'],
    ['oprright', 'INTEGER'], ['oprresult', 'INTEGER'], ['oprcom', 'INTEGER'], ['oprnegate', 'INTEGER'],
    ['oprcode', 'VARCHAR'], ['oprrest', 'VARCHAR'], ['oprjoin', 'VARCHAR'],
  ],
  pg_partitioned_table: [
    ['partrelid', 'INTEGER'], ['partstrat', 'VARCHAR'], ['partnatts', 'SMALLINT'], ['partdefid', 'INTEGER'],
    ['partattrs', 'SMALLINT[]'], ['partclass', 'INTEGER[]'], ['partcollation', 'INTEGER[]'], ['partexprs', 'VARCHAR'],
  ],
  pg_policy: [
    ['oid', 'INTEGER'], ['polname', 'VARCHAR'], ['polrelid', 'INTEGER'], ['polcmd', 'VARCHAR'],
    ['polpermissive', 'BOOLEAN'], ['polroles', 'INTEGER[]'], ['polqual', 'VARCHAR'], ['polwithcheck', 'VARCHAR'],
  ],
  pg_proc: [
    ['oid', 'INTEGER'], ['proname', 'VARCHAR'], ['pronamespace', 'INTEGER'], ['proowner', 'INTEGER'],
    ['prolang', 'INTEGER'], ['procost', 'REAL'], ['prorows', 'REAL'], ['provariadic', 'INTEGER'],
    ['prosupport', 'VARCHAR'], ['prokind', 'VARCHAR'], ['prosecdef', 'BOOLEAN'], ['proleakproof', 'BOOLEAN'],
    ['proisstrict', 'BOOLEAN'], ['proretset', 'BOOLEAN'], ['provolatile', 'VARCHAR'], ['proparallel', 'VARCHAR'],
    ['pronargs', 'SMALLINT'], ['pronargdefaults', 'SMALLINT'], ['prorettype', 'INTEGER'], ['proargtypes', 'INTEGER[]'],
    ['proallargtypes', 'INTEGER[]'], ['proargmodes', 'VARCHAR[]'], ['proargnames', 'VARCHAR[]'],
    ['proargdefaults', 'VARCHAR'], ['protrftypes', 'INTEGER[]'], ['prosrc', 'VARCHAR'], ['probin', 'VARCHAR'],
    ['prosqlbody', 'VARCHAR'], ['proconfig', 'VARCHAR[]'], ['proacl', 'VARCHAR[]'],
  ],
  pg_publication: [
    ['oid', 'INTEGER'], ['pubname', 'VARCHAR'], ['pubowner', 'INTEGER'], ['puballtables', 'BOOLEAN'],
    ['pubinsert', 'BOOLEAN'], ['pubupdate', 'BOOLEAN'], ['pubdelete', 'BOOLEAN'], ['pubtruncate', 'BOOLEAN'],
    ['pubviaroot', 'BOOLEAN'],
  ],
  pg_publication_namespace: [
    ['oid', 'INTEGER'], ['pnpubid', 'INTEGER'], ['pnnspid', 'INTEGER'],
  ],
  pg_publication_rel: [
    ['oid', 'INTEGER'], ['prpubid', 'INTEGER'], ['prrelid', 'INTEGER'], ['prqual', 'VARCHAR'],
    ['prattrs', 'SMALLINT[]'],
  ],
  pg_range: [
    ['rngtypid', 'INTEGER'], ['rngsubtype', 'INTEGER'], ['rngmultitypid', 'INTEGER'], ['rngcollation', 'INTEGER'],
    ['rngsubopc', 'INTEGER'], ['rngcanonical', 'VARCHAR'], ['rngsubdiff', 'VARCHAR'],
  ],
  pg_rewrite: [
    ['oid', 'INTEGER'], ['rulename', 'VARCHAR'], ['ev_class', 'INTEGER'], ['ev_type', 'VARCHAR'],
    ['ev_enabled', 'VARCHAR'], ['is_instead', 'BOOLEAN'], ['ev_qual', 'VARCHAR'], ['ev_action', 'VARCHAR'],
  ],
  pg_roles: [
    ['rolname', 'VARCHAR'], ['rolsuper', 'BOOLEAN'], ['rolinherit', 'BOOLEAN'], ['rolcreaterole', 'BOOLEAN'],
    ['rolcreatedb', 'BOOLEAN'], ['rolcanlogin', 'BOOLEAN'], ['rolreplication', 'BOOLEAN'], ['rolconnlimit', 'INTEGER'],
    ['rolpassword', 'VARCHAR'], ['rolvaliduntil', 'TIMESTAMPTZ'], ['rolbypassrls', 'BOOLEAN'],
    ['rolconfig', 'VARCHAR[]'], ['oid', 'INTEGER'],
  ],
  pg_sequence: [
    ['seqrelid', 'INTEGER'], ['seqtypid', 'INTEGER'], ['seqstart', 'BIGINT'], ['seqincrement', 'BIGINT'],
    ['seqmax', 'BIGINT'], ['seqmin', 'BIGINT'], ['seqcache', 'BIGINT'], ['seqcycle', 'BOOLEAN'],
  ],
  pg_sequences: [
    ['schemaname', 'VARCHAR'], ['sequencename', 'VARCHAR'], ['sequenceowner', 'VARCHAR'], ['data_type', 'VARCHAR'],
    ['start_value', 'BIGINT'], ['min_value', 'BIGINT'], ['max_value', 'BIGINT'], ['increment_by', 'BIGINT'],
    ['cycle', 'BOOLEAN'], ['cache_size', 'BIGINT'], ['last_value', 'BIGINT'],
  ],
  pg_settings: [
    ['name', 'VARCHAR'], ['setting', 'VARCHAR'], ['unit', 'VARCHAR'], ['category', 'VARCHAR'],
    ['short_desc', 'VARCHAR'], ['extra_desc', 'VARCHAR'], ['context', 'VARCHAR'], ['vartype', 'VARCHAR'],
    ['source', 'VARCHAR'], ['min_val', 'VARCHAR'], ['max_val', 'VARCHAR'], ['enumvals', 'VARCHAR[]'],
    ['boot_val', 'VARCHAR'], ['reset_val', 'VARCHAR'], ['sourcefile', 'VARCHAR'], ['sourceline', 'INTEGER'],
    ['pending_restart', 'BOOLEAN'],
  ],
  pg_shadow: [
    ['usename', 'VARCHAR'], ['usesysid', 'INTEGER'], ['usecreatedb', 'BOOLEAN'], ['usesuper', 'BOOLEAN'],
    ['userepl', 'BOOLEAN'], ['usebypassrls', 'BOOLEAN'], ['passwd', 'VARCHAR'], ['valuntil', 'TIMESTAMPTZ'],
    ['useconfig', 'VARCHAR[]'],
  ],
  pg_shdescription: [
    ['objoid', 'INTEGER'], ['classoid', 'INTEGER'], ['description', 'VARCHAR'],
  ],
  pg_stat_activity: [
    ['datid', 'INTEGER'], ['datname', 'VARCHAR'], ['pid', 'INTEGER'], ['leader_pid', 'INTEGER'],
    ['usesysid', 'INTEGER'], ['usename', 'VARCHAR'], ['application_name', 'VARCHAR'], ['client_addr', 'VARCHAR'],
    ['client_hostname', 'VARCHAR'], ['client_port', 'INTEGER'], ['backend_start', 'TIMESTAMPTZ'],
    ['xact_start', 'TIMESTAMPTZ'], ['query_start', 'TIMESTAMPTZ'], ['state_change', 'TIMESTAMPTZ'],
    ['wait_event_type', 'VARCHAR'], ['wait_event', 'VARCHAR'], ['state', 'VARCHAR'], ['backend_xid', 'BIGINT'],
    ['backend_xmin', 'BIGINT'], ['query_id', 'BIGINT'], ['query', 'VARCHAR'], ['backend_type', 'VARCHAR'],
  ],
  pg_stat_all_tables: [
    ['relid', 'INTEGER'], ['schemaname', 'VARCHAR'], ['relname', 'VARCHAR'], ['seq_scan', 'BIGINT'],
    ['seq_tup_read', 'BIGINT'], ['idx_scan', 'BIGINT'], ['idx_tup_fetch', 'BIGINT'], ['n_tup_ins', 'BIGINT'],
    ['n_tup_upd', 'BIGINT'], ['n_tup_del', 'BIGINT'], ['n_tup_hot_upd', 'BIGINT'], ['n_live_tup', 'BIGINT'],
    ['n_dead_tup', 'BIGINT'], ['n_mod_since_analyze', 'BIGINT'], ['n_ins_since_vacuum', 'BIGINT'],
    ['last_vacuum', 'TIMESTAMPTZ'], ['last_autovacuum', 'TIMESTAMPTZ'], ['last_analyze', 'TIMESTAMPTZ'],
    ['last_autoanalyze', 'TIMESTAMPTZ'], ['vacuum_count', 'BIGINT'], ['autovacuum_count', 'BIGINT'],
    ['analyze_count', 'BIGINT'], ['autoanalyze_count', 'BIGINT'],
  ],
  pg_stat_database: [
    ['datid', 'INTEGER'], ['datname', 'VARCHAR'], ['numbackends', 'INTEGER'], ['xact_commit', 'BIGINT'],
    ['xact_rollback', 'BIGINT'], ['blks_read', 'BIGINT'], ['blks_hit', 'BIGINT'], ['tup_returned', 'BIGINT'],
    ['tup_fetched', 'BIGINT'], ['tup_inserted', 'BIGINT'], ['tup_updated', 'BIGINT'], ['tup_deleted', 'BIGINT'],
    ['conflicts', 'BIGINT'], ['temp_files', 'BIGINT'], ['temp_bytes', 'BIGINT'], ['deadlocks', 'BIGINT'],
    ['checksum_failures', 'BIGINT'], ['checksum_last_failure', 'TIMESTAMPTZ'], ['blk_read_time', 'DOUBLE'],
    ['blk_write_time', 'DOUBLE'], ['session_time', 'DOUBLE'], ['active_time', 'DOUBLE'],
    ['idle_in_transaction_time', 'DOUBLE'], ['sessions', 'BIGINT'], ['sessions_abandoned', 'BIGINT'],
    ['sessions_fatal', 'BIGINT'], ['sessions_killed', 'BIGINT'], ['stats_reset', 'TIMESTAMPTZ'],
  ],
  pg_stat_user_tables: [
    ['relid', 'INTEGER'], ['schemaname', 'VARCHAR'], ['relname', 'VARCHAR'], ['seq_scan', 'BIGINT'],
    ['seq_tup_read', 'BIGINT'], ['idx_scan', 'BIGINT'], ['idx_tup_fetch', 'BIGINT'], ['n_tup_ins', 'BIGINT'],
    ['n_tup_upd', 'BIGINT'], ['n_tup_del', 'BIGINT'], ['n_tup_hot_upd', 'BIGINT'], ['n_live_tup', 'BIGINT'],
    ['n_dead_tup', 'BIGINT'], ['n_mod_since_analyze', 'BIGINT'], ['n_ins_since_vacuum', 'BIGINT'],
    ['last_vacuum', 'TIMESTAMPTZ'], ['last_autovacuum', 'TIMESTAMPTZ'], ['last_analyze', 'TIMESTAMPTZ'],
    ['last_autoanalyze', 'TIMESTAMPTZ'], ['vacuum_count', 'BIGINT'], ['autovacuum_count', 'BIGINT'],
    ['analyze_count', 'BIGINT'], ['autoanalyze_count', 'BIGINT'],
  ],
  pg_statio_user_tables: [
    ['relid', 'INTEGER'], ['schemaname', 'VARCHAR'], ['relname', 'VARCHAR'], ['heap_blks_read', 'BIGINT'],
    ['heap_blks_hit', 'BIGINT'], ['idx_blks_read', 'BIGINT'], ['idx_blks_hit', 'BIGINT'],
    ['toast_blks_read', 'BIGINT'], ['toast_blks_hit', 'BIGINT'], ['tidx_blks_read', 'BIGINT'],
    ['tidx_blks_hit', 'BIGINT'],
  ],
  pg_statistic_ext: [
    ['oid', 'INTEGER'], ['stxrelid', 'INTEGER'], ['stxname', 'VARCHAR'], ['stxnamespace', 'INTEGER'],
    ['stxowner', 'INTEGER'], ['stxstattarget', 'INTEGER'], ['stxkeys', 'SMALLINT[]'], ['stxkind', 'VARCHAR[]'],
    ['stxexprs', 'VARCHAR'],
  ],
  pg_tables: [
    ['schemaname', 'VARCHAR'], ['tablename', 'VARCHAR'], ['tableowner', 'VARCHAR'], ['tablespace', 'VARCHAR'],
    ['hasindexes', 'BOOLEAN'], ['hasrules', 'BOOLEAN'], ['hastriggers', 'BOOLEAN'], ['rowsecurity', 'BOOLEAN'],
  ],
  pg_tablespace: [
    ['oid', 'INTEGER'], ['spcname', 'VARCHAR'], ['spcowner', 'INTEGER'], ['spcacl', 'VARCHAR[]'],
    ['spcoptions', 'VARCHAR[]'],
  ],
  pg_timezone_names: [
    ['name', 'VARCHAR'], ['abbrev', 'VARCHAR'], ['utc_offset', 'INTERVAL'], ['is_dst', 'BOOLEAN'],
  ],
  pg_trigger: [
    ['oid', 'INTEGER'], ['tgrelid', 'INTEGER'], ['tgparentid', 'INTEGER'], ['tgname', 'VARCHAR'],
    ['tgfoid', 'INTEGER'], ['tgtype', 'SMALLINT'], ['tgenabled', 'VARCHAR'], ['tgisinternal', 'BOOLEAN'],
    ['tgconstrrelid', 'INTEGER'], ['tgconstrindid', 'INTEGER'], ['tgconstraint', 'INTEGER'],
    ['tgdeferrable', 'BOOLEAN'], ['tginitdeferred', 'BOOLEAN'], ['tgnargs', 'SMALLINT'], ['tgattr', 'SMALLINT[]'],
    ['tgargs', 'BLOB'], ['tgqual', 'VARCHAR'], ['tgoldtable', 'VARCHAR'], ['tgnewtable', 'VARCHAR'],
  ],
  pg_ts_config: [
    ['oid', 'INTEGER'], ['cfgname', 'VARCHAR'], ['cfgnamespace', 'INTEGER'], ['cfgowner', 'INTEGER'],
    ['cfgparser', 'INTEGER'],
  ],
  pg_type: [
    ['oid', 'INTEGER'], ['typname', 'VARCHAR'], ['typnamespace', 'INTEGER'], ['typowner', 'INTEGER'],
    ['typlen', 'SMALLINT'], ['typbyval', 'BOOLEAN'], ['typtype', PG_CHAR_TYPE], ['typcategory', 'VARCHAR'],
    ['typispreferred', 'BOOLEAN'], ['typisdefined', 'BOOLEAN'], ['typdelim', 'VARCHAR'], ['typrelid', 'INTEGER'],
    ['typsubscript', 'VARCHAR'], ['typelem', 'INTEGER'], ['typarray', 'INTEGER'], ['typinput', 'VARCHAR'],
    ['typoutput', 'VARCHAR'], ['typreceive', 'VARCHAR'], ['typsend', 'VARCHAR'], ['typmodin', 'VARCHAR'],
    ['typmodout', 'VARCHAR'], ['typanalyze', 'VARCHAR'], ['typalign', 'VARCHAR'], ['typstorage', 'VARCHAR'],
    ['typnotnull', 'BOOLEAN'], ['typbasetype', 'INTEGER'], ['typtypmod', 'INTEGER'], ['typndims', 'INTEGER'],
    ['typcollation', 'INTEGER'], ['typdefaultbin', 'VARCHAR'], ['typdefault', 'VARCHAR'], ['typacl', 'VARCHAR[]'],
  ],
  pg_user: [
    ['usename', 'VARCHAR'], ['usesysid', 'INTEGER'], ['usecreatedb', 'BOOLEAN'], ['usesuper', 'BOOLEAN'],
    ['userepl', 'BOOLEAN'], ['usebypassrls', 'BOOLEAN'], ['passwd', 'VARCHAR'], ['valuntil', 'TIMESTAMPTZ'],
    ['useconfig', 'VARCHAR[]'],
  ],
  pg_views: [
    ['schemaname', 'VARCHAR'], ['viewname', 'VARCHAR'], ['viewowner', 'VARCHAR'], ['definition', 'VARCHAR'],
  ],
};
