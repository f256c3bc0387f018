import { assert } from '../assert.js';

/**
 * CRC-32 as zlib, gzip and PNG compute it (IEEE 802.3: reflected polynomial 0xEDB88320, initial
 * and final XOR 0xFFFFFFFF): the binary-2 frames' checksum. It catches what a frame checksum is
 * for, damage and framing faults (every error burst up to 32 bits, any other with odds of 2^-32),
 * at a fraction of SHA-256's cost on large frames; TLS, where it is on, authenticates. No key
 * hides a frame's checksum in either format, so SHA-256 never made a frame tamper-proof.
 */
export type Crc32 = (bytes: Uint8Array) => number;

/** The checksum's width in a binary-2 frame, written big-endian. */
export const CRC32_BYTES = 4;

const POLYNOMIAL_REFLECTED = 0xedb88320;

const TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let value = byte;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? (value >>> 1) ^ POLYNOMIAL_REFLECTED : value >>> 1;
    table[byte] = value;
  }
  return table;
})();

/** Pure JavaScript, a byte at a time: the core runs anywhere; a native one is several times faster. */
export const portableCrc32: Crc32 = (bytes) => {
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index += 1) crc = TABLE[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

let implementation: Crc32 = portableCrc32;

/** Swaps in a faster implementation with the same results (zlib's, installed by the runtime and the simulator). */
export function useCrc32(next: Crc32): void {
  implementation = next;
}

/** The installed CRC-32, its result checked: an installed implementation may be wrong. */
export function crc32(bytes: Uint8Array): number {
  const value = implementation(bytes);
  assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, 'crc32: the result must be an unsigned 32-bit integer');
  return value;
}
