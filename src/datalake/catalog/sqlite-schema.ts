import type { Migration } from './migrations.js';

/**
 * SQLite schema. STRICT tables enforce the column types; times are INTEGER µs
 * since the Unix epoch; JSON columns are TEXT checked with json_valid().
 */
export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'datalake index',
    statements: () => [
      `CREATE TABLE insert_clock (id INTEGER PRIMARY KEY CHECK (id = 1), last_us INTEGER NOT NULL) STRICT`,
      `INSERT INTO insert_clock (id, last_us) VALUES (1, 0)`,
      `CREATE TABLE processes (
        process_id TEXT PRIMARY KEY, exe TEXT NOT NULL, username TEXT NOT NULL, realname TEXT NOT NULL,
        computer TEXT NOT NULL, distro TEXT NOT NULL, cpu_brand TEXT NOT NULL, tsc_frequency INTEGER NOT NULL,
        start_time INTEGER NOT NULL, start_ticks INTEGER NOT NULL, insert_time INTEGER NOT NULL,
        parent_process_id TEXT, properties TEXT NOT NULL CHECK (json_valid(properties))
      ) STRICT`,
      `CREATE INDEX processes_insert_time ON processes (insert_time)`,
      `CREATE TABLE streams (
        stream_id TEXT PRIMARY KEY, process_id TEXT NOT NULL REFERENCES processes (process_id),
        dependencies_metadata TEXT NOT NULL CHECK (json_valid(dependencies_metadata)),
        objects_metadata TEXT NOT NULL CHECK (json_valid(objects_metadata)),
        tags TEXT NOT NULL CHECK (json_valid(tags)), properties TEXT NOT NULL CHECK (json_valid(properties)),
        insert_time INTEGER NOT NULL, UNIQUE (stream_id, process_id)
      ) STRICT`,
      `CREATE INDEX streams_process_id ON streams (process_id)`,
      `CREATE TABLE blocks (
        block_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, process_id TEXT NOT NULL,
        begin_time INTEGER NOT NULL, begin_ticks INTEGER NOT NULL, end_time INTEGER NOT NULL, end_ticks INTEGER NOT NULL,
        nb_objects INTEGER NOT NULL, object_offset INTEGER NOT NULL, payload_size INTEGER NOT NULL, insert_time INTEGER NOT NULL,
        FOREIGN KEY (stream_id, process_id) REFERENCES streams (stream_id, process_id)
      ) STRICT`,
      `CREATE INDEX blocks_process_id ON blocks (process_id)`,
      `CREATE INDEX blocks_stream_id ON blocks (stream_id)`,
      `CREATE INDEX blocks_insert_time ON blocks (insert_time)`,
      `CREATE INDEX blocks_time_range ON blocks (begin_time, end_time)`,
    ],
  },
  {
    version: 2,
    name: 'lakehouse partitions',
    statements: () => [
      `CREATE TABLE partitions (
        view_set TEXT NOT NULL, instance_id TEXT NOT NULL,
        begin_insert_time INTEGER NOT NULL, end_insert_time INTEGER NOT NULL, schema_version INTEGER NOT NULL,
        min_event_time INTEGER, max_event_time INTEGER, row_count INTEGER NOT NULL,
        file_path TEXT UNIQUE, file_size INTEGER NOT NULL, source_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL, retired_at INTEGER,
        CHECK (end_insert_time > begin_insert_time)
      ) STRICT`,
      `CREATE INDEX partitions_lookup ON partitions (view_set, instance_id, begin_insert_time)`,
    ],
  },
  {
    version: 3,
    name: 'lakehouse planning indexes',
    // Partition planning asks for a process's or stream's blocks by insert time (per-slice sums, the
    // latest block of a process): (id, insert_time) answers both from the index alone.
    statements: () => [
      `CREATE INDEX blocks_process_insert_time ON blocks (process_id, insert_time)`,
      `CREATE INDEX blocks_stream_insert_time ON blocks (stream_id, insert_time)`,
    ],
  },
  {
    version: 4,
    name: 'retention and tail sampling',
    // Retention finds expired blocks by end_time; kept processes, policies, payloads waiting for
    // deletion and the history of runs.
    statements: () => [
      `CREATE INDEX blocks_end_time ON blocks (end_time)`,
      `CREATE TABLE kept_processes (
        process_id TEXT PRIMARY KEY, kept_at INTEGER NOT NULL, expires_at INTEGER, note TEXT NOT NULL
      ) STRICT`,
      `CREATE TABLE retention_policies (
        kind TEXT PRIMARY KEY CHECK (kind IN ('log', 'metrics', 'spans')), max_age_us INTEGER NOT NULL CHECK (max_age_us > 0),
        updated_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE pending_object_deletes (object_key TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL) STRICT`,
      `CREATE INDEX pending_object_deletes_deleted_at ON pending_object_deletes (deleted_at)`,
      `CREATE TABLE retention_runs (
        run_id TEXT PRIMARY KEY, trigger TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER,
        status TEXT NOT NULL, blocks_deleted INTEGER NOT NULL, events_deleted INTEGER NOT NULL, bytes_deleted INTEGER NOT NULL,
        streams_deleted INTEGER NOT NULL, processes_deleted INTEGER NOT NULL, partitions_retired INTEGER NOT NULL,
        objects_deleted INTEGER NOT NULL, message TEXT NOT NULL
      ) STRICT`,
      `CREATE INDEX retention_runs_started_at ON retention_runs (started_at)`,
    ],
  },
  {
    version: 5,
    name: 'partition build log',
    // One row per recorded partition, written with it and kept when it is retired.
    statements: () => [
      `CREATE TABLE partition_builds (
        view_set TEXT NOT NULL, instance_id TEXT NOT NULL,
        begin_insert_time INTEGER NOT NULL, end_insert_time INTEGER NOT NULL, schema_version INTEGER NOT NULL,
        source_count INTEGER NOT NULL, row_count INTEGER NOT NULL, file_path TEXT, node TEXT NOT NULL,
        built_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE INDEX partition_builds_key ON partition_builds (view_set, instance_id, begin_insert_time)`,
    ],
  },
  {
    version: 6,
    name: 'custom views',
    statements: () => [`CREATE TABLE custom_views (name TEXT PRIMARY KEY, definition TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT`],
  },
];
