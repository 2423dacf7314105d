/**
 * The parse tree DuckDB's `json_serialize_sql()` produces, typed as loosely as
 * it is: every node is a JSON object; the fields this package reads are named
 * here. Node shapes are those of DuckDB 1.5's serializer (ParsedExpression,
 * TableRef and QueryNode classes), seen with `SELECT json_serialize_sql('…')`.
 */
export interface AstNode {
  [key: string]: unknown;
  class?: string;
  type?: string;
  alias?: string;
  /** Byte offset in the UTF-8 statement; UINT64_MAX (which JSON.parse rounds) when the parser kept none. */
  query_location?: number;
}

export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nodeAt(v: unknown, key: string): AstNode | undefined {
  if (!isNode(v)) return undefined;
  const child = v[key];
  return isNode(child) ? child : undefined;
}

export function nodesAt(v: unknown, key: string): AstNode[] {
  if (!isNode(v)) return [];
  const child = v[key];
  return Array.isArray(child) ? child.filter(isNode) : [];
}

export function stringAt(v: unknown, key: string): string {
  if (!isNode(v)) return '';
  const s = v[key];
  return typeof s === 'string' ? s : '';
}

/** Every object inside `v` (itself included), depth first; arrays are looked through. */
export function* descendants(v: unknown): Generator<AstNode> {
  if (Array.isArray(v)) {
    for (const item of v) yield* descendants(item);
  } else if (isNode(v)) {
    yield v;
    for (const key of Object.keys(v)) yield* descendants(v[key]);
  }
}

/** A VARCHAR constant's value (a string literal in any quoting: '…', E'…', $$…$$), or null. */
export function stringLiteral(node: AstNode): string | null {
  if (node.class !== 'CONSTANT') return null;
  const value = nodeAt(node, 'value');
  if (!value || value.is_null === true || stringAt(nodeAt(value, 'type'), 'id') !== 'VARCHAR') return null;
  return typeof value.value === 'string' ? value.value : null;
}

/**
 * Maps DuckDB's byte offsets (into the UTF-8 encoding of `text`) to JavaScript
 * string indexes. Returns -1 for offsets that are not a character boundary or
 * lie outside the text, which is how the parser's "no location" looks.
 */
export function byteToCharIndex(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => (Number.isInteger(b) && b >= 0 && b <= text.length ? b : -1);
  const byChar = new Map<number, number>();
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byChar.set(bytes, i);
    const c = text.codePointAt(i) as number;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (c >= 0x10000) i++;
  }
  byChar.set(bytes, text.length);
  return (b) => byChar.get(b) ?? -1;
}

/** The 1-based PostgreSQL error position of a JavaScript index: PostgreSQL counts code points, not UTF-16 units. */
export function errorPosition(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
