/*
 * PostgreSQL DataRow messages in text format, straight from a DuckDB chunk's
 * vectors, for the column types of src/pgtypes/fast.ts's fastTextEncoder.
 * The output is byte for byte that of those JavaScript encoders (tested by
 * test/unit/pgtypes/native-rows.test.ts); values they format through a
 * slower path (doubles without a short decimal form, timestamps outside
 * years 1..9999, infinities) are declined, row by row.
 */
#ifndef SIRIUS_TEXT_ROWS_H
#define SIRIUS_TEXT_ROWS_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t idx_t;

/* Column kinds: the values of NATIVE_KIND in src/pgtypes/native-rows.ts. */
enum {
  TR_BOOLEAN = 1,
  TR_INT8 = 2,
  TR_INT16 = 3,
  TR_INT32 = 4,
  TR_INT64 = 5,
  TR_UINT8 = 6,
  TR_UINT16 = 7,
  TR_UINT32 = 8,
  TR_DOUBLE = 9,
  TR_VARCHAR = 10,
  TR_TIMESTAMP = 11,   /* no offset */
  TR_TIMESTAMP_UTC = 12 /* TIMESTAMPTZ in a session zone that is UTC: "+00" */
};

#define TEXT_ROWS_MAX_COLUMNS 1664

typedef struct {
  int32_t kind;
  const void *data;
  const uint64_t *validity;
} text_rows_column;

enum { TR_DONE = 0, TR_NEED_SPACE = 1, TR_DECLINED = 2 };

/*
 * Encodes rows *row .. to_row - 1 into out[*pos ..]; advances *pos and *row past every whole row
 * written. On TR_NEED_SPACE, *needed is the room the next row needs.
 */
int text_rows_encode(const text_rows_column *cols, idx_t ncols, idx_t to_row, uint8_t *out, size_t cap,
                     size_t *pos, idx_t *row, size_t *needed);

#endif
