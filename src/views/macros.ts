/**
 * SQL functions the views rely on, as DuckDB TEMP macros: run these statements
 * on every connection that queries views (TEMP keeps them visible whatever
 * catalog the session USEs). Micromegas names, so its queries run unchanged.
 *
 * - property_get(properties, key) → VARCHAR: the value of `key` in a JSON
 *   properties object (NULL when absent; nested values as JSON text). The key
 *   is matched literally, whatever characters it holds ('.', '$', '"').
 * - properties_length(properties) → BIGINT: the number of keys.
 */
export const VIEW_MACROS_SQL: readonly string[] = [
  `CREATE OR REPLACE TEMP MACRO property_get(properties, key) AS json_extract_string(properties, '$."' || replace(replace(key, '\\', '\\\\'), '"', '\\"') || '"')`,
  `CREATE OR REPLACE TEMP MACRO properties_length(properties) AS len(json_keys(properties))`,
];
