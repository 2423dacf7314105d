#include "text_rows.h"

#include <math.h>
#include <string.h>

/* DuckDB's string_t, 16 bytes: a uint32 length, then up to 12 inlined bytes, or a 4-byte prefix and a pointer at 8. */
#define STRING_T_SIZE 16

static const int64_t MICROS_PER_DAY = 86400000000LL;
/* src/pgtypes/fast.ts timestamp(): 0001-01-02 .. 9999-12-31, clear of any offset */
static const int64_t MIN_US = -62135596800000000LL + 86400000000LL;
static const int64_t MAX_US = 253402300800000000LL - 86400000000LL;

static inline int valid_at(const uint64_t *validity, idx_t row) {
  return validity == NULL || (validity[row >> 6] >> (row & 63)) & 1;
}

static inline void put_len(uint8_t *p, uint32_t n) {
  p[0] = (uint8_t)(n >> 24);
  p[1] = (uint8_t)(n >> 16);
  p[2] = (uint8_t)(n >> 8);
  p[3] = (uint8_t)n;
}

/* Decimal digits of v at p (no sign); returns the count. */
static inline size_t put_uint(uint8_t *p, uint64_t v) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)tmp[n - 1 - i];
  return n;
}

/* A length-prefixed integer value. */
static inline size_t put_int_value(uint8_t *p, int64_t v) {
  size_t n = 0;
  uint64_t abs = (uint64_t)v;
  if (v < 0) {
    p[4] = '-';
    n = 1;
    abs = (uint64_t)0 - (uint64_t)v;
  }
  n += put_uint(p + 4 + n, abs);
  put_len(p, (uint32_t)n);
  return 4 + n;
}

static inline void put2(uint8_t *p, int v) {
  p[0] = (uint8_t)('0' + v / 10);
  p[1] = (uint8_t)('0' + v % 10);
}

/* JavaScript's Math.round for x >= 0. */
static inline double js_round(double x) {
  double f = floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

static const double POW10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* writeDoubleValue's short forms (fast.ts); 0 when the value needs float8Text. */
static size_t put_double_value(uint8_t *p, double v) {
  double abs = v < 0 ? -v : v;
  if (abs >= 1e-4 && abs < 1e9) {
    for (int k = 0; k <= 6; k++) {
      double pk = POW10[k];
      double m = js_round(abs * pk);
      if (m / pk != abs) continue;
      if (k == 0) return put_int_value(p, (int64_t)v);
      size_t n = 0;
      if (v < 0) p[4 + n++] = '-';
      double int_part = floor(m / pk);
      n += put_uint(p + 4 + n, (uint64_t)int_part);
      p[4 + n++] = '.';
      uint64_t frac = (uint64_t)(m - int_part * pk);
      for (int i = k - 1; i >= 0; i--) {
        p[4 + n + i] = (uint8_t)('0' + frac % 10);
        frac /= 10;
      }
      n += (size_t)k;
      put_len(p, (uint32_t)n);
      return 4 + n;
    }
  }
  if (v == floor(v) && abs < 1e15 && v != 0) return put_int_value(p, (int64_t)v);
  return 0;
}

/* Howard Hinnant's civil_from_days. */
static void civil_from_days(int64_t z, int *year, int *month, int *day) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)(y + (m <= 2));
  *month = (int)m;
  *day = (int)d;
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff][+00]"; 0 when outside years 1..9999. */
static size_t put_timestamp_value(uint8_t *p, int64_t us, int utc_offset) {
  if (!(us >= MIN_US && us < MAX_US)) return 0;
  int64_t days = us / MICROS_PER_DAY;
  int64_t rest = us - days * MICROS_PER_DAY;
  if (rest < 0) {
    days--;
    rest += MICROS_PER_DAY;
  }
  int y, mo, d;
  civil_from_days(days, &y, &mo, &d);
  uint8_t *q = p + 4;
  q[0] = (uint8_t)('0' + y / 1000);
  q[1] = (uint8_t)('0' + (y / 100) % 10);
  q[2] = (uint8_t)('0' + (y / 10) % 10);
  q[3] = (uint8_t)('0' + y % 10);
  q[4] = '-';
  put2(q + 5, mo);
  q[7] = '-';
  put2(q + 8, d);
  q[10] = ' ';
  int64_t secs = rest / 1000000;
  int64_t frac = rest - secs * 1000000;
  int h = (int)(secs / 3600);
  int mi = (int)((secs / 60) % 60);
  int s = (int)(secs % 60);
  put2(q + 11, h);
  q[13] = ':';
  put2(q + 14, mi);
  q[16] = ':';
  put2(q + 17, s);
  size_t n = 19;
  if (frac != 0) {
    int digits = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    q[n++] = '.';
    for (int i = digits - 1; i >= 0; i--) {
      q[n + (size_t)i] = (uint8_t)('0' + frac % 10);
      frac /= 10;
    }
    n += (size_t)digits;
  }
  if (utc_offset) {
    q[n++] = '+';
    q[n++] = '0';
    q[n++] = '0';
  }
  put_len(p, (uint32_t)n);
  return 4 + n;
}

static inline uint32_t string_length(const text_rows_column *c, idx_t row) {
  uint32_t n;
  memcpy(&n, (const uint8_t *)c->data + row * STRING_T_SIZE, 4);
  return n;
}

static inline const char *string_bytes(const text_rows_column *c, idx_t row, uint32_t length) {
  const uint8_t *s = (const uint8_t *)c->data + row * STRING_T_SIZE;
  if (length <= 12) return (const char *)s + 4;
  const char *ptr;
  memcpy(&ptr, s + 8, sizeof ptr);
  return ptr;
}

/* The most a row can take: 7 bytes of header, then 4 + the longest text of each value. */
static size_t row_bound(const text_rows_column *cols, idx_t ncols, idx_t row) {
  size_t bound = 7;
  for (idx_t c = 0; c < ncols; c++) {
    if (cols[c].kind == TR_VARCHAR && valid_at(cols[c].validity, row)) bound += 4 + string_length(&cols[c], row);
    else bound += 4 + 40;
  }
  return bound;
}

int text_rows_encode(const text_rows_column *cols, idx_t ncols, idx_t to_row, uint8_t *out, size_t cap,
                     size_t *pos, idx_t *row, size_t *needed) {
  size_t at = *pos;
  for (idx_t r = *row; r < to_row; r++) {
    size_t bound = row_bound(cols, ncols, r);
    if (cap - at < bound) {
      *pos = at;
      *row = r;
      *needed = bound;
      return TR_NEED_SPACE;
    }
    uint8_t *start = out + at;
    uint8_t *p = start + 7;
    start[0] = 'D';
    start[5] = (uint8_t)(ncols >> 8);
    start[6] = (uint8_t)ncols;
    for (idx_t c = 0; c < ncols; c++) {
      const text_rows_column *col = &cols[c];
      if (!valid_at(col->validity, r)) {
        p[0] = p[1] = p[2] = p[3] = 0xFF;
        p += 4;
        continue;
      }
      size_t n = 0;
      switch (col->kind) {
        case TR_BOOLEAN:
          put_len(p, 1);
          p[4] = ((const uint8_t *)col->data)[r] ? 't' : 'f';
          n = 5;
          break;
        case TR_INT8: n = put_int_value(p, ((const int8_t *)col->data)[r]); break;
        case TR_INT16: n = put_int_value(p, ((const int16_t *)col->data)[r]); break;
        case TR_INT32: n = put_int_value(p, ((const int32_t *)col->data)[r]); break;
        case TR_INT64: n = put_int_value(p, ((const int64_t *)col->data)[r]); break;
        case TR_UINT8: n = put_int_value(p, ((const uint8_t *)col->data)[r]); break;
        case TR_UINT16: n = put_int_value(p, ((const uint16_t *)col->data)[r]); break;
        case TR_UINT32: n = put_int_value(p, ((const uint32_t *)col->data)[r]); break;
        case TR_DOUBLE: n = put_double_value(p, ((const double *)col->data)[r]); break;
        case TR_VARCHAR: {
          uint32_t length = string_length(col, r);
          put_len(p, length);
          memcpy(p + 4, string_bytes(col, r, length), length);
          n = 4 + length;
          break;
        }
        case TR_TIMESTAMP: n = put_timestamp_value(p, ((const int64_t *)col->data)[r], 0); break;
        case TR_TIMESTAMP_UTC: n = put_timestamp_value(p, ((const int64_t *)col->data)[r], 1); break;
        default: n = 0;
      }
      if (n == 0) {
        *pos = at;
        *row = r;
        return TR_DECLINED;
      }
      p += n;
    }
    put_len(start + 1, (uint32_t)(p - start - 1));
    at = (size_t)(p - out);
  }
  *pos = at;
  *row = to_row;
  return TR_DONE;
}
