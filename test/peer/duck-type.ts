/**
 * DuckDB logical type names as DESCRIBE prints them (`STRUCT(a INTEGER, "b c" VARCHAR[])`,
 * `MAP(VARCHAR, INTEGER)`, `DECIMAL(18,3)`, `INTEGER[3]`, `UNION(k INTEGER, s VARCHAR)`,
 * `TIMESTAMP WITH TIME ZONE`, `ENUM('a', 'b')`) parsed into a tree.
 */

export type DuckType =
  /** Unnamed structs (`row(1, 'a')`, `STRUCT(INTEGER, VARCHAR)`) have '' names. */
  | { id: 'STRUCT'; fields: [string, DuckType][]; unnamed: boolean }
  | { id: 'UNION'; fields: [string, DuckType][] }
  | { id: 'MAP'; key: DuckType; value: DuckType }
  | { id: 'LIST'; child: DuckType }
  | { id: 'ARRAY'; child: DuckType; size: number }
  | { id: 'SCALAR'; name: string };

export class DuckTypeParseError extends Error {
  override name = 'DuckTypeParseError';
}

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): DuckType {
    const t = this.type();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('trailing text');
    return t;
  }

  private fail(why: string): never {
    throw new DuckTypeParseError(`cannot parse DuckDB type "${this.text}" at ${this.pos}: ${why}`);
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private type(): DuckType {
    this.skipSpace();
    let t = this.base();
    for (;;) {
      if (this.text.startsWith('[]', this.pos)) {
        this.pos += 2;
        t = { id: 'LIST', child: t };
        continue;
      }
      const m = /^\[(\d+)\]/.exec(this.text.slice(this.pos));
      if (m === null) return t;
      this.pos += m[0].length;
      t = { id: 'ARRAY', child: t, size: Number(m[1]) };
    }
  }

  private base(): DuckType {
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word === undefined) this.fail('expected a type name');
    this.pos += word.length;
    const upper = word.toUpperCase();
    if (upper === 'STRUCT') {
      const fields = this.fields();
      return { id: 'STRUCT', fields, unnamed: fields.every(([name]) => name === '') };
    }
    if (upper === 'UNION') return { id: 'UNION', fields: this.fields() };
    if (upper === 'MAP') {
      this.expect('(');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect(')');
      return { id: 'MAP', key, value };
    }
    return { id: 'SCALAR', name: upper + this.scalarSuffix() };
  }

  /** `(18,3)`, `('a', 'b')`, ` WITH TIME ZONE`: kept verbatim in the scalar's name. */
  private scalarSuffix(): string {
    const start = this.pos;
    if (this.text.startsWith(' WITH TIME ZONE', this.pos)) this.pos += ' WITH TIME ZONE'.length;
    if (this.text[this.pos] === '(') {
      let depth = 0;
      let quoted = false;
      for (; this.pos < this.text.length; this.pos++) {
        const c = this.text[this.pos];
        if (c === "'") quoted = !quoted;
        else if (!quoted && c === '(') depth++;
        else if (!quoted && c === ')' && --depth === 0) break;
      }
      this.expect(')');
    }
    return this.text.slice(start, this.pos);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  private fields(): [string, DuckType][] {
    this.expect('(');
    const fields: [string, DuckType][] = [];
    for (;;) {
      this.skipSpace();
      const name = this.unnamedEntry() ? '' : this.fieldName();
      fields.push([name, this.type()]);
      this.skipSpace();
      if (this.text[this.pos] === ')') break;
      this.expect(',');
    }
    this.pos++;
    return fields;
  }

  /** An entry of an unnamed STRUCT is a bare type: a word followed by `,`, `)`, `(`, `[` or WITH TIME ZONE. */
  private unnamedEntry(): boolean {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (m === null) return false;
    const after = this.text.slice(this.pos + m[0].length);
    return /^[,)([]/.test(after) || after.startsWith(' WITH TIME ZONE');
  }

  /** A field name: bare, or double-quoted with "" for a quote. */
  private fieldName(): string {
    if (this.text[this.pos] !== '"') {
      const m = /^[^\s(),]+/.exec(this.text.slice(this.pos));
      if (m === null) this.fail('expected a field name');
      this.pos += m[0].length;
      return m[0];
    }
    let name = '';
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      if (this.text[this.pos] !== '"') name += this.text[this.pos];
      else if (this.text[this.pos + 1] === '"') name += this.text[++this.pos];
      else break;
    }
    this.pos++;
    return name;
  }
}

export function parseDuckType(text: string): DuckType {
  return new TypeParser(text).parse();
}
