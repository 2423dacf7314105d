import { Parser } from 'pg-protocol/dist/parser.js';
import { describe, expect, it } from 'vitest';
import * as be from '../../../src/wire/backend.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { BufferWriter } from '../../../src/wire/writer.js';

/** Parses our bytes with node-postgres's own backend-message parser. */
function parseAll(buf: Buffer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  new Parser().parse(buf, (msg) => out.push({ ...msg, message: (msg as { message?: string }).message }));
  return out;
}

describe('backend messages, as a real client parses them', () => {
  it('writes the startup sequence', () => {
    const w = new BufferWriter(8);
    be.authenticationOk(w);
    be.parameterStatus(w, 'server_version', '15.0');
    be.backendKeyData(w, 4242, -7);
    be.readyForQuery(w, 'I');
    const msgs = parseAll(w.take());
    expect(msgs.map((m) => m.name)).toEqual(['authenticationOk', 'parameterStatus', 'backendKeyData', 'readyForQuery']);
    expect(msgs[1]).toMatchObject({ parameterName: 'server_version', parameterValue: '15.0' });
    expect(msgs[2]).toMatchObject({ processID: 4242, secretKey: -7 });
    expect(msgs[3]).toMatchObject({ status: 'I' });
  });

  it('writes RowDescription, DataRow and CommandComplete', () => {
    const w = new BufferWriter(4);
    be.rowDescription(w, [
      { name: 'a', tableOid: 0, columnNumber: 0, typeOid: 23, typeLen: 4, typeMod: -1, format: 0 },
      { name: 'ünï', tableOid: 0, columnNumber: 0, typeOid: 25, typeLen: -1, typeMod: -1, format: 1 },
    ]);
    be.dataRowText(w, ['1', null]);
    be.commandComplete(w, 'SELECT 1');
    const [rd, dr, cc] = parseAll(w.take());
    expect((rd.fields as { name: string; dataTypeID: number; format: string }[]).map((f) => [f.name, f.dataTypeID, f.format])).toEqual([
      ['a', 23, 'text'],
      ['ünï', 25, 'binary'],
    ]);
    expect(dr.fields).toEqual(['1', null]);
    expect(cc).toMatchObject({ name: 'commandComplete', text: 'SELECT 1' });
  });

  it('writes ErrorResponse with severity, code, message, detail, hint and position', () => {
    const w = new BufferWriter();
    be.errorResponse(w, new PgError('42P01', 'relation "x" does not exist', { position: 15, hint: 'h', detail: 'd' }));
    const [e] = parseAll(w.take());
    expect(e).toMatchObject({ name: 'error', severity: 'ERROR', code: '42P01', message: 'relation "x" does not exist', position: '15', hint: 'h', detail: 'd' });
  });

  it('writes the extended-protocol acknowledgements', () => {
    const w = new BufferWriter();
    be.parseComplete(w);
    be.bindComplete(w);
    be.parameterDescription(w, [23, 25]);
    be.noData(w);
    be.portalSuspended(w);
    be.closeComplete(w);
    be.emptyQueryResponse(w);
    be.noticeResponse(w, 'hello');
    const names = parseAll(w.take()).map((m) => m.name);
    expect(names).toEqual(['parseComplete', 'bindComplete', 'parameterDescription', 'noData', 'portalSuspended', 'closeComplete', 'emptyQuery', 'notice']);
  });

  it('writes SASL messages', () => {
    const w = new BufferWriter();
    be.authenticationSasl(w, ['SCRAM-SHA-256']);
    be.authenticationSaslContinue(w, Buffer.from('r=abc'));
    be.authenticationSaslFinal(w, Buffer.from('v=xyz'));
    const msgs = parseAll(w.take());
    expect(msgs[0]).toMatchObject({ name: 'authenticationSASL', mechanisms: ['SCRAM-SHA-256'] });
    expect(msgs[1]).toMatchObject({ name: 'authenticationSASLContinue', data: 'r=abc' });
    expect(msgs[2]).toMatchObject({ name: 'authenticationSASLFinal', data: 'v=xyz' });
  });
});
