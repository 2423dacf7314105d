import { describe, expect, it } from 'vitest';
import { IngestError } from '../../../src/ingest/index.js';
import { parseProcess, parseStream } from '../../../src/ingest/validate.js';
import { processBody, streamBody } from './helpers.js';

const buf = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

function rejection(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IngestError);
    return err as IngestError;
  }
  throw new Error('expected a rejection');
}

describe('parseProcess', () => {
  it('turns the documented body into a catalog row, start_ticks exact beyond 2^53', () => {
    const body = processBody({ start_ticks: '9223372036854775807' });
    const row = parseProcess(buf(body));
    expect(row.start_ticks).toBe(9_223_372_036_854_775_807n);
    expect(row).toMatchObject({ process_id: body.process_id, exe: body.exe, tsc_frequency: 1e9, start_time: body.start_time, parent_process_id: null });
  });

  it('accepts start_ticks as an exact JSON integer, and defaults parent_process_id and properties', () => {
    const { parent_process_id: _p, properties: _q, ...rest } = processBody({ start_ticks: 12345 });
    const row = parseProcess(buf(rest));
    expect(row.start_ticks).toBe(12345n);
    expect(row.parent_process_id).toBeNull();
    expect(row.properties).toEqual({});
  });

  it.each([
    ['not JSON', '{', /^insert_process: malformed JSON body: /],
    ['a string', '"hello"', /^insert_process: the body must be a JSON object, got string$/],
    ['null', 'null', /^insert_process: the body must be a JSON object, got null$/],
    ['no process_id', { ...processBody(), process_id: undefined }, /^insert_process: missing field "process_id"$/],
    ['a numeric exe', processBody({ exe: 5 }), /^insert_process: field "exe" must be a JSON string, got number$/],
    ['a string frequency', processBody({ tsc_frequency: '1e9' }), /field "tsc_frequency" must be a JSON number, got string$/],
    ['an inexact start_ticks number', processBody({ start_ticks: 2 ** 60 }), /field "start_ticks" must be a decimal string of a 64-bit integer, got 1152921504606847000$/],
    ['a 20-digit start_ticks', processBody({ start_ticks: '12345678901234567890' }), /field "start_ticks" must be a decimal string/],
    ['an array of properties', processBody({ properties: ['a'] }), /field "properties" must be a JSON object, got array$/],
    ['a numeric parent', processBody({ parent_process_id: 7 }), /field "parent_process_id" must be a uuid string or null, got number$/],
  ])('rejects %s with 400 and a message naming the field', (_, body, message) => {
    const e = rejection(() => parseProcess(buf(body)));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(message);
  });
});

describe('parseStream', () => {
  it('keeps metadata objects and tags as sent', () => {
    const body = streamBody('5b0c6f1e-7d2a-4e8b-9c3f-1a2b3c4d5e6f', { tags: ['cpu'], properties: { thread_name: 'main' } });
    expect(parseStream(buf(body))).toEqual(body);
  });

  it.each([
    ['metadata as text', { objects_metadata: '{"kinds":[]}' }, /field "objects_metadata" must be a JSON object, got string$/],
    ['no dependencies_metadata', { dependencies_metadata: undefined }, /^insert_stream: missing field "dependencies_metadata"$/],
    ['tags as an object', { tags: { log: true } }, /field "tags" must be a JSON array, got object$/],
  ])('rejects %s with 400', (_, over, message) => {
    const e = rejection(() => parseStream(buf(streamBody('5b0c6f1e-7d2a-4e8b-9c3f-1a2b3c4d5e6f', over))));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(message);
  });
});
