import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { assert } from '../assert.js';
import { canonicalJson } from './canonical-json.js';
import type { JsonObject } from './json.js';

/** The four envelope fields a frame's checksum covers, exactly as they are on the wire. */
export interface ChecksumFields {
  readonly type: string;
  readonly sequence: number;
  readonly timestamp: number;
  readonly data: JsonObject;
}

/** The 64 zeros a snapshot's digest chain starts from. */
export const SNAPSHOT_DIGEST_INITIAL = '0'.repeat(64);

const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextEncoder();

export function isHex64(text: unknown): text is string {
  return typeof text === 'string' && HEX64.test(text);
}

/** SHA-256 (lowercase hex) of the canonical JSON of {type, sequence, timestamp, data}. */
export function frameChecksum(fields: ChecksumFields): string {
  const canonical = canonicalJson({
    type: fields.type,
    sequence: fields.sequence,
    timestamp: fields.timestamp,
    data: fields.data,
  });
  return sha256Hex(canonical);
}

/** The snapshot digest after one more chunk: sha256(previous + chunkChecksum), hex in and out. */
export function chainDigest(previous: string, chunkChecksum: string): string {
  assert(isHex64(previous), 'chainDigest: previous must be 64 lowercase hex characters');
  assert(isHex64(chunkChecksum), 'chainDigest: chunkChecksum must be 64 lowercase hex characters');
  return sha256Hex(previous + chunkChecksum);
}

export function sha256Hex(text: string): string {
  const digest = bytesToHex(sha256(utf8.encode(text)));
  assert(isHex64(digest), 'sha256Hex: digest must be 64 lowercase hex characters');
  return digest;
}
