import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex characters. */
export type Sha256Hex = (text: string) => string;

const utf8 = new TextEncoder();

/** Pure JavaScript, so the core runs anywhere; about 5x slower than a native one on small frames. */
export const portableSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(utf8.encode(text)));

let implementation: Sha256Hex = portableSha256Hex;

/**
 * Swaps in a faster implementation with the same results (node:crypto, installed by the runtime
 * and the simulator): the core itself imports no I/O module, and no result depends on the choice.
 */
export function useSha256(next: Sha256Hex): void {
  implementation = next;
}

export function sha256Hex(text: string): string {
  return implementation(text);
}
