import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** HMAC-SHA256 of a message under a key (both as their UTF-8 bytes), as 64 lowercase hex characters. */
export type HmacSha256Hex = (key: string, message: string) => string;

const utf8 = new TextEncoder();

/** Pure JavaScript, so the core runs anywhere. */
export const portableHmacSha256Hex: HmacSha256Hex = (key, message) => bytesToHex(hmac(sha256, utf8.encode(key), utf8.encode(message)));

let implementation: HmacSha256Hex = portableHmacSha256Hex;

/** Swaps in node:crypto's (installed by the runtime and the simulator) with the same results, as useSha256 does. */
export function useHmacSha256(next: HmacSha256Hex): void {
  implementation = next;
}

export function hmacSha256Hex(key: string, message: string): string {
  return implementation(key, message);
}
