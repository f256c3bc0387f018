import { codeUnitAt } from './string-methods.js';

/**
 * Bytes as one-byte text, a character per byte (code points 0 to 255), and back: how a keyspace
 * holds a small value (compact-entry.ts), and how a binary frame's ASCII names are read. Pure
 * JavaScript by default, so the core runs anywhere. `toText` reads bytes[start, end): a name is
 * read where it lies in its frame, without a view made for it.
 */
export interface ByteTextCodec {
  toText(bytes: Uint8Array, start: number, end: number): string;
  toBytes(text: string): Uint8Array;
}

export const portableByteText: ByteTextCodec = Object.freeze({
  toText: (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]),
  toBytes: (text: string): Uint8Array => {
    const bytes = new Uint8Array(text.length);
    for (let index = 0; index < text.length; index += 1) bytes[index] = codeUnitAt(text, index);
    return bytes;
  },
});

let implementation: ByteTextCodec = portableByteText;

/**
 * Swaps in a faster codec with the same results (node's latin1, installed by the runtime and the
 * simulator): the portable toText spreads the bytes into an argument list, about 1.5 µs for 100 B,
 * paid by every write on the primary and on each secondary.
 */
export function useByteText(next: ByteTextCodec): void {
  implementation = next;
}

export function bytesToText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return implementation.toText(bytes, start, end);
}

export function textToBytes(text: string): Uint8Array {
  return implementation.toBytes(text);
}
