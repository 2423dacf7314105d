import { describe, expect, it } from 'vitest';
import { blobKey, InvalidKeyError, validateKey, validatePrefix } from '../../../src/datalake/objectstore/index.js';

describe('object keys', () => {
  it('accepts block and partition keys', () => {
    expect(validateKey('views/log_entries/global/1700000000000000-1700000060000000.v3.parquet')).toBeTruthy();
    expect(validateKey('a=1/b=2/.hidden')).toBe('a=1/b=2/.hidden');
  });

  it('builds the block key from process, stream and block ids', () => {
    const [p, s, b] = ['0b8f1f9e-7d0c-4a70-9c55-3d1c1e0e4a01', '5f0e6a44-2b1c-4c3e-8a8e-1a2b3c4d5e6f', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'];
    expect(blobKey(p, s, b)).toBe(`blobs/${p}/${s}/${b}`);
    expect(() => blobKey('../etc', s, b)).toThrow(InvalidKeyError);
  });

  it('names the problem in the message', () => {
    expect(() => validateKey('a/../b')).toThrow("invalid object key 'a/../b': '..' segments are not allowed");
    expect(() => validateKey('/a')).toThrow('empty path segment');
    expect(() => validateKey('a b')).toThrow('allowed characters are A-Z a-z 0-9 . _ = -');
  });

  it('accepts prefixes that end mid-segment or with "/", and rejects climbing ones', () => {
    expect(validatePrefix('')).toBe('');
    expect(validatePrefix('blobs/')).toBe('blobs/');
    expect(validatePrefix('blobs/0b8f')).toBe('blobs/0b8f');
    expect(() => validatePrefix('../')).toThrow(InvalidKeyError);
    expect(() => validatePrefix('a//')).toThrow(InvalidKeyError);
    expect(() => validatePrefix('/a')).toThrow(InvalidKeyError);
    expect(() => validatePrefix('a/b c')).toThrow(InvalidKeyError);
  });
});
