import { describe, expect, it } from 'vitest';
import { BINARY_SHA256_FORMAT } from '../../../../src/core/codec/wire-format.js';
import { ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import { KIND, MARKER, OP, operationBody, sealed, T, text, varint } from './binary-bodies.js';
import { decodeEveryWay } from './feed.js';

const limits: Limits = { ...DEFAULT_LIMITS, nameLengthMax: 8, tagsMax: 2 };
/** One byte more than nameLengthMax's 8 code units can take in UTF-8 (3 bytes each). */
const TOO_LONG = 25;
const decode = (body: Uint8Array): Frame => decodeEveryWay(body, limits, BINARY_SHA256_FORMAT);
const names = (...values: string[]): number[] => values.flatMap(text);

describe('operations in binary frames', () => {
  // Exact messages: a reader that named the wrong field would send an operator to the wrong byte.
  const named: [string, readonly number[], string][] = [
    ['cut before its type', [], 'type is missing: the frame ends before it'],
    ['a SET\'s path', [OP.SET, TOO_LONG], 'path is 25 bytes, above 24'],
    ['a SET\'s key', [OP.SET, ...names('p'), TOO_LONG], 'key is 25 bytes, above 24'],
    ['a SET\'s db', [OP.SET, ...names('p', 'k'), TOO_LONG], 'db is 25 bytes, above 24'],
    ['a SET\'s namespace', [OP.SET, ...names('p', 'k', 'db'), TOO_LONG], 'namespace is 25 bytes, above 24'],
    ['a SET\'s tag count', [OP.SET, ...names('p', 'k', 'db', 'ns'), 0x80, 0x00], 'tags is a varint longer than needed'],
    ['a SET\'s tags above tagsMax', [OP.SET, ...names('p', 'k', 'db', 'ns'), 3], 'tags holds 3 tags, above 2'],
    ['a SET\'s tag', [OP.SET, ...names('p', 'k', 'db', 'ns'), 1, TOO_LONG], 'tags is 25 bytes, above 24'],
    ['a SET\'s expiry', [OP.SET, ...names('p', 'k', 'db', 'ns'), 0, 2], 'expires_at_ms has presence flag 2, not 0 or 1'],
    ['a SET_TTL\'s path', [OP.SET_TTL, TOO_LONG], 'path is 25 bytes, above 24'],
    ['a SET_TTL\'s expiry', [OP.SET_TTL, ...names('p'), 2], 'expires_at_ms has presence flag 2, not 0 or 1'],
    ['a FLUSH\'s db', [OP.FLUSH, 2], 'db has presence flag 2, not 0 or 1'],
    ['a FLUSH\'s namespace', [OP.FLUSH, 0, 2], 'namespace has presence flag 2, not 0 or 1'],
    ['a METADATA\'s path', [OP.METADATA, TOO_LONG], 'path is 25 bytes, above 24'],
  ];

  it.each(named)('name the field they refuse: %s', (_what, op, message) => {
    expect(() => decode(operationBody(1, op))).toThrow(new ProtocolError(`binary frame operation.${message}`));
  });

  it('name the field of a snapshot entry', () => {
    const body = sealed([MARKER, KIND.snapshotChunk, ...varint(T), 0, 1, OP.SET, TOO_LONG]);
    expect(() => decode(body)).toThrow(new ProtocolError('binary frame SNAPSHOT_CHUNK.entries[0].path is 25 bytes, above 24'));
  });

  it('take exactly tagsMax tags', () => {
    const frame = decode(operationBody(1, [OP.METADATA, ...names('p'), 2, ...names('x', 'y')]));
    expect(frame).toEqual({ kind: 'operation', sequence: 1, timestampMs: T, op: { type: 'METADATA', path: 'p', tags: ['x', 'y'] } });
  });
});
