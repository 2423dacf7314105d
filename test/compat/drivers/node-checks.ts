import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRIVERS_DIR, type CheckResult, type Results } from './harness.js';

/** The node suites' side of the harness: the same {check: result} shape as the external programs. */
export const TYPES: { name: string; sql: string }[] = (JSON.parse(readFileSync(join(DRIVERS_DIR, 'types.json'), 'utf8')) as { types: { name: string; sql: string }[] }).types;

/** A decoded value as [constructor name, canonical text], so the decoded type is compared too. */
export function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(norm);
  if (Buffer.isBuffer(v)) return ['Buffer', v.toString('hex')];
  if (v instanceof Date) return ['Date', Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()];
  if (typeof v === 'object') return [v.constructor?.name ?? 'Object', JSON.stringify(v)];
  return [typeof v, String(v)];
}

export type Check = [name: string, fn: () => Promise<unknown>];

export async function runChecks(checks: Check[]): Promise<Results> {
  const out: Results = {};
  for (const [name, fn] of checks) {
    try {
      out[name] = { ok: true, value: await fn() };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      out[name] = { ok: false, error: { sqlstate: typeof err.code === 'string' ? err.code : null, message: String(err.message ?? e) } } satisfies CheckResult;
    }
  }
  return out;
}
