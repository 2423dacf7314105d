/*
 * Synchronous companions to @duckdb/node-bindings.
 *
 * node-bindings runs duckdb_execute_pending and duckdb_fetch_chunk on libuv's
 * thread pool; each hop costs ~100 µs, three per `SELECT 1`. Sirius polls a
 * query that DuckDB's own threads run for a small budget first (the
 * bindings' pending_execute_check_state), and when the result is ready these
 * functions finish it on the calling thread. They take and return the
 * bindings' own externals (same type tags, same ownership rules), so the
 * node-api classes keep working on the results. See docs/decisions.md.
 *
 * assignStrings fills a VARCHAR vector from one UTF-8 buffer in one call
 * (the bindings take one JavaScript string per call): the Parquet writer's
 * formatted log messages.
 *
 * encodeTextRows writes a chunk's rows as PostgreSQL DataRow messages in text
 * format for the common column types (native/text_rows.h); the wire server's
 * JavaScript encoders (src/pgtypes/fast.ts) remain the reference and handle
 * every value this one declines.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The part of DuckDB's C API (duckdb.h, stable ABI) used here. */
typedef uint64_t idx_t;
typedef enum { DuckDBSuccess = 0, DuckDBError = 1 } duckdb_state;
typedef struct _duckdb_pending_result { void *internal_ptr; } *duckdb_pending_result;
typedef struct _duckdb_data_chunk { void *internal_ptr; } *duckdb_data_chunk;
typedef struct _duckdb_connection { void *internal_ptr; } *duckdb_connection;
typedef struct _duckdb_vector { void *internal_ptr; } *duckdb_vector;
typedef struct {
  idx_t deprecated_column_count;
  idx_t deprecated_row_count;
  idx_t deprecated_rows_changed;
  void *deprecated_columns;
  char *deprecated_error_message;
  void *internal_data;
} duckdb_result;

duckdb_state duckdb_execute_pending(duckdb_pending_result pending_result, duckdb_result *out_result);
duckdb_data_chunk duckdb_fetch_chunk(duckdb_result result);
void duckdb_destroy_result(duckdb_result *result);
void duckdb_destroy_data_chunk(duckdb_data_chunk *chunk);
const char *duckdb_result_error(duckdb_result *result);
bool duckdb_execution_is_finished(duckdb_connection con);
void *duckdb_malloc(size_t size);
void duckdb_vector_assign_string_element_len(duckdb_vector vector, idx_t index, const char *str, idx_t str_len);
void duckdb_free(void *ptr);
idx_t duckdb_data_chunk_get_size(duckdb_data_chunk chunk);
idx_t duckdb_data_chunk_get_column_count(duckdb_data_chunk chunk);
duckdb_vector duckdb_data_chunk_get_vector(duckdb_data_chunk chunk, idx_t col_idx);
void *duckdb_vector_get_data(duckdb_vector vector);
uint64_t *duckdb_vector_get_validity(duckdb_vector vector);

/* The type tags @duckdb/node-bindings puts on its externals (bindings/src/externals.h). */
static const napi_type_tag PendingResultTag = {0x257E88ECE8294FECULL, 0xB64963BBBD1DBB41ULL};
static const napi_type_tag ResultTag = {0x08F7FE3AE12345E5ULL, 0x8733310DC29372D9ULL};
static const napi_type_tag DataChunkTag = {0x2C7537AB063A4296ULL, 0xB1E70F08B0BBD1A3ULL};
static const napi_type_tag ConnectionTag = {0x922B9BF54AB04DFCULL, 0x8A258578D371DB71ULL};
static const napi_type_tag VectorTag = {0x9FE56DE8E3124D07ULL, 0x9ABF31145EDE1C9EULL};

static void *external_data(napi_env env, napi_value value, const napi_type_tag *tag, const char *what) {
  bool ok = false;
  if (napi_check_object_type_tag(env, value, tag, &ok) != napi_ok || !ok) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return data;
}

static napi_value one_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  return argc < 1 ? NULL : argv[0];
}

static void finalize_result(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  duckdb_result *result = data;
  duckdb_destroy_result(result);
  duckdb_free(result);
}

static void finalize_chunk(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  duckdb_data_chunk chunk = data;
  duckdb_destroy_data_chunk(&chunk);
}

static napi_value tagged_external(napi_env env, void *data, napi_finalize finalize, const napi_type_tag *tag) {
  napi_value external;
  if (napi_create_external(env, data, finalize, NULL, &external) != napi_ok) {
    finalize(env, data, NULL);
    napi_throw_error(env, NULL, "could not create an external");
    return NULL;
  }
  napi_type_tag_object(env, external, tag);
  return external;
}

/* executePending(pending): Result — duckdb_execute_pending on the calling thread. */
static napi_value execute_pending(napi_env env, napi_callback_info info) {
  napi_value arg = one_arg(env, info);
  if (!arg) return NULL;
  duckdb_pending_result pending = external_data(env, arg, &PendingResultTag, "Invalid pending result argument");
  if (!pending) return NULL;
  duckdb_result *result = duckdb_malloc(sizeof(duckdb_result));
  if (!result) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  memset(result, 0, sizeof(duckdb_result));
  if (duckdb_execute_pending(pending, result) != DuckDBSuccess) {
    const char *message = duckdb_result_error(result);
    napi_value error_message, error;
    napi_create_string_utf8(env, message ? message : "unknown DuckDB error", NAPI_AUTO_LENGTH, &error_message);
    napi_create_error(env, NULL, error_message, &error);
    finalize_result(env, result, NULL);
    napi_throw(env, error);
    return NULL;
  }
  return tagged_external(env, result, finalize_result, &ResultTag);
}

/* fetchChunk(result): DataChunk | null — duckdb_fetch_chunk on the calling thread. */
static napi_value fetch_chunk(napi_env env, napi_callback_info info) {
  napi_value arg = one_arg(env, info);
  if (!arg) return NULL;
  duckdb_result *result = external_data(env, arg, &ResultTag, "Invalid result argument");
  if (!result) return NULL;
  duckdb_data_chunk chunk = duckdb_fetch_chunk(*result);
  if (!chunk) {
    const char *message = duckdb_result_error(result);
    if (message) {
      napi_throw_error(env, NULL, message);
      return NULL;
    }
    napi_value null_value;
    napi_get_null(env, &null_value);
    return null_value;
  }
  return tagged_external(env, chunk, finalize_chunk, &DataChunkTag);
}

/* resultError(result): string | null — the error that ended a result (the bindings' fetch_chunk returns null for it). */
static napi_value result_error(napi_env env, napi_callback_info info) {
  napi_value arg = one_arg(env, info);
  if (!arg) return NULL;
  duckdb_result *result = external_data(env, arg, &ResultTag, "Invalid result argument");
  if (!result) return NULL;
  const char *message = duckdb_result_error(result);
  napi_value answer;
  if (message) napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &answer);
  else napi_get_null(env, &answer);
  return answer;
}

/* executionIsFinished(connection): boolean — the running query has no work left (only buffered rows). */
static napi_value execution_is_finished(napi_env env, napi_callback_info info) {
  napi_value arg = one_arg(env, info);
  if (!arg) return NULL;
  duckdb_connection *holder = external_data(env, arg, &ConnectionTag, "Invalid connection argument");
  if (!holder) return NULL;
  napi_value answer;
  napi_get_boolean(env, duckdb_execution_is_finished(*holder), &answer);
  return answer;
}

/* The elements of a typed array argument of the given type; false (a TypeError thrown) for anything else. */
static bool typed_array(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length, const char *what) {
  bool is = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, what);
    return false;
  }
  return true;
}

/*
 * assignStrings(vector, rows: Uint32Array, bytes: Uint8Array, ends: Uint32Array, count): undefined —
 * element rows[k] of the VARCHAR vector becomes bytes[ends[k - 1] .. ends[k]) (from 0 for k = 0).
 */
static napi_value assign_strings(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) {
    napi_throw_type_error(env, NULL, "assignStrings takes (vector, rows, bytes, ends, count)");
    return NULL;
  }
  duckdb_vector vector = external_data(env, argv[0], &VectorTag, "Invalid vector argument");
  if (!vector) return NULL;
  size_t nrows = 0, nbytes = 0, nends = 0;
  void *rows_data = NULL, *bytes_data = NULL, *ends_data = NULL;
  if (!typed_array(env, argv[1], napi_uint32_array, &rows_data, &nrows, "rows must be a Uint32Array") ||
      !typed_array(env, argv[2], napi_uint8_array, &bytes_data, &nbytes, "bytes must be a Uint8Array") ||
      !typed_array(env, argv[3], napi_uint32_array, &ends_data, &nends, "ends must be a Uint32Array")) {
    return NULL;
  }
  const uint32_t *rows = rows_data;
  const char *bytes = bytes_data;
  const uint32_t *ends = ends_data;
  uint32_t count = 0;
  if (napi_get_value_uint32(env, argv[4], &count) != napi_ok || count > nrows || count > nends) {
    napi_throw_range_error(env, NULL, "assignStrings: count exceeds rows or ends");
    return NULL;
  }
  uint32_t start = 0;
  for (uint32_t k = 0; k < count; k++) {
    if (ends[k] < start || ends[k] > nbytes) {
      napi_throw_range_error(env, NULL, "assignStrings: ends must rise within bytes");
      return NULL;
    }
    duckdb_vector_assign_string_element_len(vector, rows[k], bytes + start, ends[k] - start);
    start = ends[k];
  }
  return NULL;
}

#include "text_rows.h"

/*
 * encodeTextRows(chunk, kinds: Int32Array, out: Uint8Array, state: Float64Array): status —
 * state = [pos, fromRow, toRow, needed]; writes DataRows from state[1] on at out[state[0]], and
 * leaves the next position and row in state[0] and state[1]. Status: 0 all rows written, 1 the
 * next row needs state[3] more bytes than are free, 2 the next row holds a value this encoder
 * declines (the caller encodes that row itself).
 */
static napi_value encode_text_rows(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4) {
    napi_throw_type_error(env, NULL, "encodeTextRows takes (chunk, kinds, out, state)");
    return NULL;
  }
  duckdb_data_chunk chunk = external_data(env, argv[0], &DataChunkTag, "Invalid data chunk argument");
  if (!chunk) return NULL;
  size_t nkinds = 0, nout = 0, nstate = 0;
  void *kinds_data = NULL, *out_data = NULL, *state_data = NULL;
  if (!typed_array(env, argv[1], napi_int32_array, &kinds_data, &nkinds, "kinds must be an Int32Array") ||
      !typed_array(env, argv[2], napi_uint8_array, &out_data, &nout, "out must be a Uint8Array") ||
      !typed_array(env, argv[3], napi_float64_array, &state_data, &nstate, "state must be a Float64Array")) {
    return NULL;
  }
  double *state = state_data;
  idx_t ncols = duckdb_data_chunk_get_column_count(chunk);
  idx_t nrows = duckdb_data_chunk_get_size(chunk);
  if (nstate < 4 || nkinds != ncols || ncols > TEXT_ROWS_MAX_COLUMNS || state[0] < 0 || state[0] > (double)nout ||
      state[1] < 0 || state[2] > (double)nrows || state[1] > state[2]) {
    napi_throw_range_error(env, NULL, "encodeTextRows: state, kinds or columns out of range");
    return NULL;
  }
  text_rows_column cols[TEXT_ROWS_MAX_COLUMNS];
  const int32_t *kinds = kinds_data;
  for (idx_t c = 0; c < ncols; c++) {
    duckdb_vector v = duckdb_data_chunk_get_vector(chunk, c);
    cols[c].kind = kinds[c];
    cols[c].data = duckdb_vector_get_data(v);
    cols[c].validity = duckdb_vector_get_validity(v);
  }
  size_t pos = (size_t)state[0];
  idx_t row = (idx_t)state[1];
  size_t needed = 0;
  int status = text_rows_encode(cols, ncols, (idx_t)state[2], out_data, nout, &pos, &row, &needed);
  state[0] = (double)pos;
  state[1] = (double)row;
  state[3] = (double)needed;
  napi_value result;
  napi_create_int32(env, status, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"executePending", NULL, execute_pending, NULL, NULL, NULL, napi_default, NULL},
    {"fetchChunk", NULL, fetch_chunk, NULL, NULL, NULL, napi_default, NULL},
    {"resultError", NULL, result_error, NULL, NULL, NULL, napi_default, NULL},
    {"executionIsFinished", NULL, execution_is_finished, NULL, NULL, NULL, napi_default, NULL},
    {"assignStrings", NULL, assign_strings, NULL, NULL, NULL, napi_default, NULL},
    {"encodeTextRows", NULL, encode_text_rows, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
