import type { Migration } from './migrations.js';

/**
 * PostgreSQL schema (every name qualified by the catalog's schema, `s`).
 * Times are timestamptz (µs precision); the insert clock is int8 µs.
 */
export const PG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'datalake index',
    statements: (s) => [
      `CREATE TABLE ${s}.insert_clock (id int PRIMARY KEY CHECK (id = 1), last_us int8 NOT NULL)`,
      `INSERT INTO ${s}.insert_clock (id, last_us) VALUES (1, 0)`,
      `CREATE TABLE ${s}.processes (
        process_id uuid PRIMARY KEY, exe text NOT NULL, username text NOT NULL, realname text NOT NULL,
        computer text NOT NULL, distro text NOT NULL, cpu_brand text NOT NULL, tsc_frequency int8 NOT NULL,
        start_time timestamptz NOT NULL, start_ticks int8 NOT NULL, insert_time timestamptz NOT NULL,
        parent_process_id uuid, properties jsonb NOT NULL
      )`,
      `CREATE INDEX processes_insert_time ON ${s}.processes (insert_time)`,
      `CREATE TABLE ${s}.streams (
        stream_id uuid PRIMARY KEY, process_id uuid NOT NULL REFERENCES ${s}.processes (process_id),
        dependencies_metadata jsonb NOT NULL, objects_metadata jsonb NOT NULL, tags text[] NOT NULL,
        properties jsonb NOT NULL, insert_time timestamptz NOT NULL, UNIQUE (stream_id, process_id)
      )`,
      `CREATE INDEX streams_process_id ON ${s}.streams (process_id)`,
      `CREATE TABLE ${s}.blocks (
        block_id uuid PRIMARY KEY, stream_id uuid NOT NULL, process_id uuid NOT NULL,
        begin_time timestamptz NOT NULL, begin_ticks int8 NOT NULL, end_time timestamptz NOT NULL, end_ticks int8 NOT NULL,
        nb_objects int4 NOT NULL, object_offset int8 NOT NULL, payload_size int8 NOT NULL, insert_time timestamptz NOT NULL,
        FOREIGN KEY (stream_id, process_id) REFERENCES ${s}.streams (stream_id, process_id)
      )`,
      `CREATE INDEX blocks_process_id ON ${s}.blocks (process_id)`,
      `CREATE INDEX blocks_stream_id ON ${s}.blocks (stream_id)`,
      `CREATE INDEX blocks_insert_time ON ${s}.blocks (insert_time)`,
      `CREATE INDEX blocks_time_range ON ${s}.blocks (begin_time, end_time)`,
    ],
  },
  {
    version: 2,
    name: 'lakehouse partitions',
    statements: (s) => [
      `CREATE TABLE ${s}.partitions (
        view_set text NOT NULL, instance_id text NOT NULL,
        begin_insert_time timestamptz NOT NULL, end_insert_time timestamptz NOT NULL, schema_version int4 NOT NULL,
        min_event_time timestamptz, max_event_time timestamptz, row_count int8 NOT NULL,
        file_path text UNIQUE, file_size int8 NOT NULL, source_count int8 NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), retired_at timestamptz,
        CHECK (end_insert_time > begin_insert_time)
      )`,
      `CREATE INDEX partitions_lookup ON ${s}.partitions (view_set, instance_id, begin_insert_time)`,
    ],
  },
  {
    version: 3,
    name: 'lakehouse planning indexes',
    // Partition planning asks for a process's or stream's blocks by insert time (per-slice sums, the
    // latest block of a process): (id, insert_time) answers both from the index alone.
    statements: (s) => [
      `CREATE INDEX blocks_process_insert_time ON ${s}.blocks (process_id, insert_time)`,
      `CREATE INDEX blocks_stream_insert_time ON ${s}.blocks (stream_id, insert_time)`,
    ],
  },
  {
    version: 4,
    name: 'retention and tail sampling',
    // Retention finds expired blocks by end_time; kept processes, policies, payloads waiting for
    // deletion and the history of runs are shared by every node of the catalog.
    statements: (s) => [
      `CREATE INDEX blocks_end_time ON ${s}.blocks (end_time)`,
      `CREATE TABLE ${s}.kept_processes (
        process_id uuid PRIMARY KEY, kept_at timestamptz NOT NULL, expires_at timestamptz, note text NOT NULL
      )`,
      `CREATE TABLE ${s}.retention_policies (
        kind text PRIMARY KEY CHECK (kind IN ('log', 'metrics', 'spans')), max_age_us int8 NOT NULL CHECK (max_age_us > 0),
        updated_at timestamptz NOT NULL
      )`,
      `CREATE TABLE ${s}.pending_object_deletes (object_key text PRIMARY KEY, deleted_at timestamptz NOT NULL)`,
      `CREATE INDEX pending_object_deletes_deleted_at ON ${s}.pending_object_deletes (deleted_at)`,
      `CREATE TABLE ${s}.retention_runs (
        run_id text PRIMARY KEY, trigger text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,
        status text NOT NULL, blocks_deleted int8 NOT NULL, events_deleted int8 NOT NULL, bytes_deleted int8 NOT NULL,
        streams_deleted int8 NOT NULL, processes_deleted int8 NOT NULL, partitions_retired int8 NOT NULL,
        objects_deleted int8 NOT NULL, message text NOT NULL
      )`,
      `CREATE INDEX retention_runs_started_at ON ${s}.retention_runs (started_at)`,
    ],
  },
  {
    version: 5,
    name: 'partition build log',
    // One row per recorded partition, written with it and kept when it is retired: builds per key
    // across every node of the catalog (docs/deployment.md).
    statements: (s) => [
      `CREATE TABLE ${s}.partition_builds (
        view_set text NOT NULL, instance_id text NOT NULL,
        begin_insert_time timestamptz NOT NULL, end_insert_time timestamptz NOT NULL, schema_version int4 NOT NULL,
        source_count int8 NOT NULL, row_count int8 NOT NULL, file_path text, node text NOT NULL,
        built_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX partition_builds_key ON ${s}.partition_builds (view_set, instance_id, begin_insert_time)`,
    ],
  },
  {
    version: 6,
    name: 'custom views',
    statements: (s) => [`CREATE TABLE ${s}.custom_views (name text PRIMARY KEY, definition text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`],
  },
];
