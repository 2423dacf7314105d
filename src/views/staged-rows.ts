/**
 * The rows of one partition, column by column, in a form that costs nothing
 * per value to hand to a columnar writer: numbers in typed arrays, strings as
 * ids into one dictionary per column. Views fill it; the lakehouse writes it.
 *
 * How each kind is stored (and what it becomes in Parquet):
 *   u8, i32, u32   Uint8Array / Int32Array / Uint32Array          → UTINYINT / INTEGER / UINTEGER (then cast to the view type)
 *   i64            Float64Array of safe integers                   → BIGINT
 *   f64            Float64Array                                    → DOUBLE
 *   ts             Float64Array of µs since the epoch (a fraction is dropped when written: rounded down) → TIMESTAMPTZ
 *   ticks          BigInt64Array (exact 64-bit)                    → BIGINT
 *   str            Uint32Array of dictionary ids                   → VARCHAR
 *   json           Uint32Array of ids; the dictionary holds JSON   → JSON
 *   strlist        Uint32Array of ids; the dictionary holds a JSON array of strings → VARCHAR[]
 */
export type StageKind = 'u8' | 'i32' | 'u32' | 'i64' | 'f64' | 'ts' | 'ticks' | 'str' | 'json' | 'strlist';

export interface StageColumn {
  name: string;
  kind: StageKind;
  /** The column's type in the view (DuckDB type name). */
  type: string;
  nullable?: boolean;
  /**
   * The value changes rarely (per block: process_id, insert_time…): stored as
   * runs (first row, value) instead of one cell per row, which saves filling
   * and holding a column per row. Set with setRun; not nullable.
   */
  runs?: boolean;
  /**
   * Some values are unique per row (formatted log messages): those are set
   * with setText and kept apart, so they neither grow the dictionary nor go
   * through it ('str' columns only).
   */
  texts?: boolean;
}

/** A run column: value `values[k]` from row `starts[k]` up to the next start. */
export interface Runs {
  starts: number[];
  values: number[];
}

type Storage = Uint8Array | Int32Array | Uint32Array | Float64Array | BigInt64Array;

/** Marks a NULL in a dictionary column. */
export const NULL_ID = 0xffffffff;
/** Marks a cell whose value is an inline text (setText). */
export const TEXT_ID = 0xfffffffe;

/** Inline texts of a column, by ascending row. */
export interface Texts {
  rows: number[];
  values: string[];
}

/** The distinct strings of one column, in id order. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor(readonly json: boolean) {}

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(this.json ? asJsonText(s) : s);
      this.ids.set(s, id);
    }
    return id;
  }

  get size(): number {
    return this.values.length;
  }
}

/**
 * JSON text from a block or the catalog is checked once per distinct value: a
 * text that does not parse is kept as a JSON string holding it, so one bad
 * writer cannot make a whole partition unreadable.
 */
function asJsonText(s: string): string {
  try {
    JSON.parse(s);
    return s;
  } catch {
    return JSON.stringify(s);
  }
}

function allocate(kind: StageKind, n: number): Storage {
  switch (kind) {
    case 'u8':
      return new Uint8Array(n);
    case 'i32':
      return new Int32Array(n);
    case 'u32':
    case 'str':
    case 'json':
    case 'strlist':
      return new Uint32Array(n);
    case 'ticks':
      return new BigInt64Array(n);
    default:
      return new Float64Array(n);
  }
}

export class StagedRows {
  count = 0;
  private capacity: number;
  private readonly data: Storage[];
  private readonly runs: (Runs | null)[];
  private readonly texts: (Texts | null)[];
  private readonly nulls: (Uint8Array | null)[];
  readonly dictionaries: (Dictionary | null)[];
  private readonly index = new Map<string, number>();

  constructor(
    readonly columns: readonly StageColumn[],
    initialCapacity = 1024,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    columns.forEach((c, i) => this.index.set(c.name, i));
    this.data = columns.map((c) => allocate(c.kind, c.runs ? 0 : this.capacity));
    this.runs = columns.map((c) => (c.runs ? { starts: [], values: [] } : null));
    this.texts = columns.map((c) => (c.texts ? { rows: [], values: [] } : null));
    this.nulls = columns.map((c) => (c.nullable ? new Uint8Array(this.capacity) : null));
    this.dictionaries = columns.map((c) => (c.kind === 'str' || c.kind === 'json' || c.kind === 'strlist' ? new Dictionary(c.kind !== 'str') : null));
  }

  /** Appends `n` rows (zeroed; not null) and returns the index of the first. Arrays obtained before may be replaced. */
  grow(n: number): number {
    const at = this.count;
    if (at + n > this.capacity) this.resize(Math.max(at + n, this.capacity * 2));
    this.count = at + n;
    return at;
  }

  /** Drops the rows from `count` on (rows reserved by grow but not filled). */
  truncate(count: number): void {
    if (count < 0 || count > this.count) throw new RangeError(`cannot truncate ${this.count} rows to ${count}`);
    for (const nulls of this.nulls) nulls?.fill(0, count, this.count);
    for (const runs of this.runs) {
      while (runs && runs.starts.length > 0 && runs.starts[runs.starts.length - 1] >= count) (runs.starts.pop(), runs.values.pop());
    }
    for (const texts of this.texts) {
      while (texts && texts.rows.length > 0 && texts.rows[texts.rows.length - 1] >= count) (texts.rows.pop(), texts.values.pop());
    }
    this.count = count;
  }

  private resize(capacity: number): void {
    for (let i = 0; i < this.data.length; i++) {
      if (this.runs[i]) continue;
      const next = allocate(this.columns[i].kind, capacity);
      (next as Uint8Array).set(this.data[i] as Uint8Array);
      this.data[i] = next;
      const nulls = this.nulls[i];
      if (nulls) (this.nulls[i] = new Uint8Array(capacity)).set(nulls);
    }
    this.capacity = capacity;
  }

  position(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`no staged column '${name}' (have ${this.columns.map((c) => c.name).join(', ')})`);
    return i;
  }

  /** The storage of a column (valid until the next grow). */
  column<T extends Storage>(name: string): T {
    const i = this.position(name);
    if (this.runs[i]) throw new Error(`staged column '${name}' is stored as runs: use setRun`);
    return this.data[i] as T;
  }

  /** Sets a run column from row `from` on (until the next run): a number, or a string of a string column. */
  setRun(name: string, from: number, value: number | string): void {
    const i = this.position(name);
    const runs = this.runs[i];
    if (!runs) throw new Error(`staged column '${name}' is not stored as runs`);
    const v = typeof value === 'string' ? this.dict(name).intern(value) : value;
    const last = runs.starts.length - 1;
    if (last >= 0 && runs.starts[last] === from) runs.values[last] = v;
    else if (last < 0 || runs.values[last] !== v) (runs.starts.push(from), runs.values.push(v));
  }

  dict(name: string): Dictionary {
    const d = this.dictionaries[this.position(name)];
    if (!d) throw new Error(`staged column '${name}' is not a string column`);
    return d;
  }

  setNull(name: string, row: number): void {
    const i = this.position(name);
    if (this.runs[i]) throw new Error(`staged column '${name}' is stored as runs and cannot hold NULL`);
    const nulls = this.nulls[i];
    if (!nulls) throw new Error(`staged column '${name}' is not nullable`);
    nulls[row] = 1;
    const d = this.data[i];
    if (d instanceof BigInt64Array) d[row] = 0n;
    else d[row] = this.dictionaries[i] ? NULL_ID : 0;
  }

  /** Sets a cell of a `texts` column to a value that is not put in the dictionary. Rows in ascending order. */
  setText(name: string, row: number, value: string): void {
    const i = this.position(name);
    const texts = this.texts[i];
    if (!texts) throw new Error(`staged column '${name}' has no inline texts`);
    (this.data[i] as Uint32Array)[row] = TEXT_ID;
    texts.rows.push(row);
    texts.values.push(value);
  }

  /** The inline texts of a `texts` column, for builders that add many (mark each cell TEXT_ID and push in row order). */
  textsOf(name: string): Texts {
    const texts = this.texts[this.position(name)];
    if (!texts) throw new Error(`staged column '${name}' has no inline texts`);
    return texts;
  }

  /** For the writer: storage (or runs), inline texts, null flags (1 = NULL) and dictionary of column `i`. */
  raw(i: number): { data: Storage; runs: Runs | null; texts: Texts | null; nulls: Uint8Array | null; dict: Dictionary | null } {
    return { data: this.data[i], runs: this.runs[i], texts: this.texts[i], nulls: this.nulls[i], dict: this.dictionaries[i] };
  }

  /** Sets a string cell (for views built from catalog rows, one value at a time). */
  setString(name: string, row: number, value: string | null): void {
    if (value === null) return this.setNull(name, row);
    this.column<Uint32Array>(name)[row] = this.dict(name).intern(value);
  }
}

/**
 * Maps one block's string ids to a column dictionary, interning a string the
 * first time the block uses it in that column (so a column's dictionary holds
 * only the strings it uses).
 */
export class BlockStrings {
  private readonly map: Int32Array;

  constructor(
    private readonly strings: readonly string[],
    private readonly dict: Dictionary,
  ) {
    this.map = new Int32Array(strings.length).fill(-1);
  }

  id(local: number): number {
    const g = this.map[local];
    if (g >= 0) return g;
    return (this.map[local] = this.dict.intern(this.strings[local]));
  }
}
