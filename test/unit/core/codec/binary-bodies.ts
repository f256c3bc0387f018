/** Binary frame bodies written by hand, byte by byte, as docs/PROTOCOL.md describes them. */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, type BinaryWireFormat } from '../../../../src/core/codec/wire-format.js';

export const MARKER = 0xb1;
export const KIND = { operation: 1, batch: 2, snapshotChunk: 3 };
export const OP = { SET: 1, DELETE: 2, SET_TTL: 3, FLUSH: 4, METADATA: 5 };
export const T = 1_700_000_000_123;

/** Unsigned LEB128, as the encoder writes it. */
export function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  return [...bytes, rest];
}

export function text(value: string): number[] {
  const bytes = [...new TextEncoder().encode(value)];
  return [...varint(bytes.length), ...bytes];
}

/** A binary-1 body: the bytes given, then their SHA-256, as a sender that means them would seal them. */
export function sealed(bytes: readonly number[]): Uint8Array {
  const digest = createHash('sha256').update(Uint8Array.from(bytes)).digest();
  return Uint8Array.from([...bytes, ...digest]);
}

/** A binary-2 body: the bytes given, then their CRC-32 (zlib's), 4 bytes big-endian. */
export function sealedCrc32(bytes: readonly number[]): Uint8Array {
  const value = crc32(Uint8Array.from(bytes));
  return Uint8Array.from([...bytes, value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** What a hand-written body of each binary format opens and closes with. */
export interface BodyLayout {
  readonly format: BinaryWireFormat;
  readonly marker: number;
  readonly checksumBytes: number;
  readonly seal: (bytes: readonly number[]) => Uint8Array;
}

export const BODY_LAYOUTS: readonly BodyLayout[] = [
  { format: BINARY_SHA256_FORMAT, marker: MARKER, checksumBytes: 32, seal: sealed },
  { format: BINARY_CRC32_FORMAT, marker: 0xb2, checksumBytes: 4, seal: sealedCrc32 },
];

export const deleteOp = (path: string): number[] => [OP.DELETE, ...text(path)];
export const operationBody = (sequence: number, op: readonly number[]): Uint8Array => sealed([MARKER, KIND.operation, ...varint(sequence), ...varint(T), ...op]);
