import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ProcessClock } from './clock.js';

/** The JSON body of POST /ingestion/insert_process (docs/block-format.md, "Ingestion HTTP API"). */
export interface ProcessInfo {
  process_id: string;
  exe: string;
  username: string;
  realname: string;
  computer: string;
  distro: string;
  cpu_brand: string;
  tsc_frequency: number;
  /** µs since the Unix epoch. */
  start_time: number;
  /** Decimal int64: ticks can exceed 2^53. */
  start_ticks: string;
  parent_process_id: string | null;
  properties: Record<string, string>;
}

export type ProcessInfoOverrides = Partial<Omit<ProcessInfo, 'process_id' | 'tsc_frequency' | 'start_time' | 'start_ticks' | 'properties'>> & {
  process_id?: string;
};

/** os.userInfo() throws where the uid has no passwd entry (some containers): the name is then unknown, ''. */
function username(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

export function describeProcess(clock: ProcessClock, overrides: ProcessInfoOverrides = {}, properties: Record<string, string> = {}): ProcessInfo {
  const user = username();
  return {
    process_id: overrides.process_id ?? randomUUID(),
    exe: overrides.exe ?? (process.argv[1] || process.execPath),
    username: overrides.username ?? user,
    // Node has no portable way to read the GECOS real name.
    realname: overrides.realname ?? user,
    computer: overrides.computer ?? os.hostname(),
    distro: overrides.distro ?? `${os.type()} ${os.release()}`,
    cpu_brand: overrides.cpu_brand ?? (os.cpus()[0]?.model.trim() || os.arch()),
    tsc_frequency: clock.tscFrequency,
    start_time: clock.startTimeUs,
    start_ticks: clock.startTicks.toString(),
    parent_process_id: overrides.parent_process_id ?? null,
    properties: { pid: String(process.pid), node_version: process.version, ...properties },
  };
}
