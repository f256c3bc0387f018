import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, operationOf } from '../../../../src/core/api-operations.js';
import { FrameDecoder, encodeFrame } from '../../../../src/core/codec/index.js';
import { BINARY_SHA256_FORMAT } from '../../../../src/core/codec/wire-format.js';
import { SharedNames, storeEntry } from '../../../../src/core/compact-entry.js';
import type { OperationFrame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, VIEW_SLACK_SHARE } from '../../../../src/core/limits.js';
import type { SetOperation } from '../../../../src/core/operation.js';
import { ValueArena } from '../../../../src/core/value-arena.js';

const VALUE_BYTES = 4 * 1_024 * 1_024;
/** What a socket hands over at a time. */
const CHUNK_BYTES = 64 * 1_024;

/**
 * Counts the bytes copied by TypedArray's set and slice while `run` runs: every copy of a large
 * value on its way is a new array whose pages fault in one by one, milliseconds for 4 MiB, and
 * none of the figures a test may assert shows it.
 */
function bytesCopiedDuring(run: () => void): number {
  const { set, slice } = Uint8Array.prototype;
  let copied = 0;
  // Own properties over the inherited ones of %TypedArray%.prototype, deleted afterwards.
  Object.defineProperties(Uint8Array.prototype, {
    set: {
      configurable: true,
      value(this: Uint8Array, source: ArrayLike<number>, offset?: number): void {
        copied += source.length;
        set.call(this, source, offset);
      },
    },
    slice: {
      configurable: true,
      value(this: Uint8Array, start?: number, end?: number): Uint8Array {
        const copy = slice.call(this, start, end);
        copied += copy.length;
        return copy;
      },
    },
  });
  try {
    run();
  } finally {
    Reflect.deleteProperty(Uint8Array.prototype, 'set');
    Reflect.deleteProperty(Uint8Array.prototype, 'slice');
  }
  return copied;
}

/** The core's part of a large value's way: the API's operation, the primary's frame, a secondary's decoder and keyspace entry. */
function primaryToSecondaryKeyspace(data: Uint8Array): Uint8Array {
  const op = operationOf({ method: 'writeWithReplication', relativePath: 'big', data }, DEFAULT_CONTEXT, 1_000) as SetOperation;
  const frame: OperationFrame = { kind: 'operation', sequence: 1, timestampMs: 1_000, op };
  const { bytes } = encodeFrame(frame, DEFAULT_LIMITS, BINARY_SHA256_FORMAT);
  const decoder = new FrameDecoder(DEFAULT_LIMITS);
  decoder.wireFormat = BINARY_SHA256_FORMAT;
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) decoder.push(bytes.subarray(offset, offset + CHUNK_BYTES));
  const decoded = decoder.next()?.frame;
  if (decoded?.kind !== 'operation' || decoded.op.type !== 'SET') throw new Error('no SET decoded');
  const stored = storeEntry(decoded.op, new SharedNames(), new ValueArena());
  if (!(stored instanceof Uint8Array)) throw new Error('a large plain value is stored as its bytes');
  return stored;
}

describe('a large value on its way from the API to a secondary keyspace', () => {
  afterEach(() => {
    expect(Object.hasOwn(Uint8Array.prototype, 'set') || Object.hasOwn(Uint8Array.prototype, 'slice')).toBe(false);
  });

  it('is copied three times: from the caller, into the frame, out of the socket chunks', () => {
    const data = Uint8Array.from({ length: VALUE_BYTES }, (_, index) => index % 251);
    let stored: Uint8Array = new Uint8Array(0);
    const copied = bytesCopiedDuring(() => {
      stored = primaryToSecondaryKeyspace(data);
    });
    expect(Buffer.compare(stored, data)).toBe(0);
    // The names, the header and the checksum are a few dozen bytes.
    expect(Math.floor(copied / VALUE_BYTES)).toBe(3);
  });

  it('keeps no more than its share of slack alive when it is kept as a view of the frame', () => {
    const stored = primaryToSecondaryKeyspace(new Uint8Array(VALUE_BYTES));
    expect(stored.buffer.byteLength - stored.byteLength).toBeGreaterThan(0);
    expect(stored.buffer.byteLength - stored.byteLength).toBeLessThanOrEqual(VALUE_BYTES * VIEW_SLACK_SHARE);
  });
});
