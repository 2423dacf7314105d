import { randomUUID } from 'node:crypto';
import type { Catalog, NewBlock, NewProcess, NewStream } from '../../../src/datalake/catalog/index.js';

/** Rows with every column set to a value that exercises its representation. */
export function newProcess(over: Partial<NewProcess> = {}): NewProcess {
  return {
    process_id: randomUUID(),
    exe: '/usr/bin/sirius-test',
    username: 'alice',
    realname: 'Alice Liddell',
    computer: 'host-1',
    distro: 'Debian 12',
    cpu_brand: 'Example CPU @ 3.0GHz',
    tsc_frequency: 2_995_200_000,
    start_time: 1_700_000_000_123_457,
    start_ticks: 9_223_372_036_854_775_807n,
    parent_process_id: null,
    properties: { region: 'eu-west', 'k with space': 'v "quoted" é' },
    ...over,
  };
}

export function newStream(processId: string, over: Partial<NewStream> = {}): NewStream {
  return {
    stream_id: randomUUID(),
    process_id: processId,
    dependencies_metadata: { format: 'sirius-block', version: 1, dependencies: [{ name: 'string', encoding: 'varuint' }] },
    objects_metadata: { format: 'sirius-block', version: 1, kinds: [{ kind: 1, name: 'log', columns: [] }] },
    tags: ['log', 'metrics'],
    properties: { thread: 'main' },
    ...over,
  };
}

export function newBlock(stream: { stream_id: string; process_id: string }, over: Partial<NewBlock> = {}): NewBlock {
  return {
    block_id: randomUUID(),
    stream_id: stream.stream_id,
    process_id: stream.process_id,
    begin_time: 1_700_000_000_000_001,
    begin_ticks: -5n,
    end_time: 1_700_000_001_000_999,
    end_ticks: 3_000_000_000_123n,
    nb_objects: 1500,
    object_offset: 4_000_000_000,
    payload_size: 65_536,
    ...over,
  };
}

/** A process with one stream, already in the catalog. */
export async function seedStream(catalog: Catalog, streamOver: Partial<NewStream> = {}): Promise<NewStream> {
  const p = newProcess();
  await catalog.insertProcess(p);
  const s = newStream(p.process_id, streamOver);
  await catalog.insertStream(s);
  return s;
}
