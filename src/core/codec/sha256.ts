import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex characters: the JSON frames' checksum. */
export type Sha256Hex = (text: string) => string;
/** SHA-256 of bytes, as its 32 raw bytes: the binary frames' checksum. */
export type Sha256Bytes = (bytes: Uint8Array) => Uint8Array;

export const SHA256_BYTES = 32;

const utf8 = new TextEncoder();

/** Pure JavaScript, so the core runs anywhere; about 5x slower than a native one on small frames. */
export const portableSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(utf8.encode(text)));
export const portableSha256Bytes: Sha256Bytes = (bytes) => sha256(bytes);

let hexImplementation: Sha256Hex = portableSha256Hex;
let bytesImplementation: Sha256Bytes = portableSha256Bytes;

/**
 * Swaps in a faster implementation with the same results (node:crypto, installed by the runtime
 * and the simulator): the core itself imports no I/O module, and no result depends on the choice.
 */
export function useSha256(next: Sha256Hex): void {
  hexImplementation = next;
}

/** useSha256's counterpart for bytes. */
export function useSha256Bytes(next: Sha256Bytes): void {
  bytesImplementation = next;
}

export function sha256Hex(text: string): string {
  return hexImplementation(text);
}

export function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return bytesImplementation(bytes);
}

/** 64 lowercase hex characters for 32 digest bytes: how a binary frame's checksum is named. */
export function digestHex(digest: Uint8Array): string {
  return bytesToHex(digest);
}
