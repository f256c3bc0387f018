/** Binary frame bodies written by hand, byte by byte, as docs/PROTOCOL.md describes them. */
import { createHash } from 'node:crypto';

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

/** A body: the bytes given, then their SHA-256, as a sender that means them would seal them. */
export function sealed(bytes: readonly number[]): Uint8Array {
  const digest = createHash('sha256').update(Uint8Array.from(bytes)).digest();
  return Uint8Array.from([...bytes, ...digest]);
}

export const deleteOp = (path: string): number[] => [OP.DELETE, ...text(path)];
export const operationBody = (sequence: number, op: readonly number[]): Uint8Array => sealed([MARKER, KIND.operation, ...varint(sequence), ...varint(T), ...op]);
