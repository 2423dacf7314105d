/**
 * What `sirius admin` prints: result tables aligned like psql's, and progress
 * rendered from the server's NOTICE messages. A notice carrying "done/total"
 * moves a bar (on a terminal) or is printed as a line (otherwise).
 */
export type ProgressMode = 'bar' | 'lines' | 'none';

const BAR_WIDTH = 30;

export interface Output {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export const processOutput: Output = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
};

/** An aligned table with a header and a row count, as psql prints one; null shows as empty. */
export function formatTable(fields: string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));
  const cells = rows.map((r) => fields.map((f) => cell(r[f])));
  const widths = fields.map((f, i) => Math.max(f.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]): string => ' ' + values.map((v, i) => v.padEnd(widths[i])).join(' | ').trimEnd();
  const parts = [line(fields), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`];
  return parts.join('\n') + '\n';
}

/** Renders the NOTICEs of one long statement. */
export class ProgressView {
  private drawn = false;

  constructor(
    private readonly mode: ProgressMode,
    private readonly io: Output,
  ) {}

  notice(message: string): void {
    if (this.mode === 'none') return;
    const m = /(\d+)\/(\d+)/.exec(message);
    if (this.mode === 'bar' && m) {
      const done = Number(m[1]);
      const total = Number(m[2]);
      const filled = total === 0 ? BAR_WIDTH : Math.round((Math.min(done, total) / total) * BAR_WIDTH);
      const label = message.replace(/^[^:]*:\s*/, '');
      this.io.err(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${label}\x1b[K`);
      this.drawn = true;
      return;
    }
    this.finish();
    this.io.err(`${message}\n`);
  }

  /** Ends the bar's line, if one is drawn. */
  finish(): void {
    if (this.drawn) this.io.err('\n');
    this.drawn = false;
  }
}
