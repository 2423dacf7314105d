import { spanDesc, type SpanDesc } from '../datalake/block/index.js';

/** The constructor of `async function` values: span() sends those to the async stream. */
const AsyncFunction = (async () => {}).constructor;
export const isAsyncFunction = (fn: unknown): boolean => typeof fn === 'function' && fn.constructor === AsyncFunction;

/** Where an async span runs: AsyncLocalStorage carries it to children for parent tracking. */
export interface AsyncSpanContext {
  readonly id: number;
  readonly depth: number;
}

/**
 * Span descriptions by (target, name), created on first use. The file and line
 * of that first call are captured once (a stack trace costs microseconds, so
 * never per call): later calls with the same name share the description.
 */
export class SpanDescCache {
  private readonly byTarget = new Map<string, Map<string, SpanDesc>>();

  get(name: string, target: string, caller: Function): SpanDesc {
    let names = this.byTarget.get(target);
    if (names === undefined) this.byTarget.set(target, (names = new Map()));
    let desc = names.get(name);
    if (desc === undefined) {
      const site = callSite(caller);
      names.set(name, (desc = spanDesc(name, target, site.file, site.line)));
    }
    return desc;
  }
}

const FRAME = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?$/;

/** The file and line of the code that called `caller`. */
export function callSite(caller: Function): { file: string; line: number } {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(holder, caller);
  Error.stackTraceLimit = limit;
  const frame = holder.stack?.split('\n')[1]?.trim() ?? '';
  const m = FRAME.exec(frame);
  if (!m) return { file: '', line: 0 };
  return { file: m[1].replace(/^file:\/\//, ''), line: Number(m[2]) };
}
