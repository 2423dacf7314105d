/**
 * A JSON reader that keeps what JSON.parse loses and DuckDB's rendering needs: object member
 * order (JSON.parse moves integer-like keys first), the literal text of numbers (1.50 stays
 * 1.50, 2^64 stays exact) and the raw text of every value (for JSON-typed members).
 */

export type JsonNode =
  | { t: 'null'; raw: string }
  | { t: 'bool'; v: boolean; raw: string }
  | { t: 'num'; raw: string }
  | { t: 'str'; v: string; raw: string }
  | { t: 'arr'; items: JsonNode[]; raw: string }
  | { t: 'obj'; entries: [string, JsonNode][]; raw: string };

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

class JsonReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  read(): JsonNode {
    const node = this.value();
    this.space();
    if (this.pos !== this.text.length) this.fail('trailing text');
    return node;
  }

  private fail(why: string): never {
    throw new JsonSyntaxError(`invalid JSON at ${this.pos} (${why}): ${this.text.slice(0, 200)}`);
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private value(): JsonNode {
    this.space();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '{') return this.object(start);
    if (c === '[') return this.array(start);
    if (c === '"') {
      const v = this.string();
      return { t: 'str', v, raw: this.text.slice(start, this.pos) };
    }
    for (const [word, node] of [['null', null], ['true', true], ['false', false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node === null ? { t: 'null', raw: word } : { t: 'bool', v: node, raw: word };
      }
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (m === null) this.fail('unexpected character');
    this.pos += m[0].length;
    return { t: 'num', raw: m[0] };
  }

  private object(start: number): JsonNode {
    this.pos++;
    const entries: [string, JsonNode][] = [];
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { t: 'obj', entries, raw: this.text.slice(start, this.pos) };
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const key = this.string();
      this.space();
      if (this.text[this.pos++] !== ':') this.fail("expected ':'");
      entries.push([key, this.value()]);
      this.space();
      const c = this.text[this.pos++];
      if (c === '}') return { t: 'obj', entries, raw: this.text.slice(start, this.pos) };
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(start: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { t: 'arr', items, raw: this.text.slice(start, this.pos) };
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = this.text[this.pos++];
      if (c === ']') return { t: 'arr', items, raw: this.text.slice(start, this.pos) };
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  /** A string literal; JSON.parse decodes it (escapes are standard). */
  private string(): string {
    const start = this.pos;
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (c === '\\') this.pos++;
      else if (c === '"') break;
    }
    if (this.text[this.pos] !== '"') this.fail('unterminated string');
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }
}

export function readJson(text: string): JsonNode {
  return new JsonReader(text).read();
}
