import { assert } from '../assert.js';
import { codeUnitAt } from '../string-methods.js';
import { canonicalJson } from './canonical-json.js';
import type { JsonObject } from './json.js';
import { sha256Hex } from './sha256.js';

/** The four envelope fields a frame's checksum covers, exactly as they are on the wire. */
export interface ChecksumFields {
  readonly type: string;
  readonly sequence: number;
  readonly timestamp: number;
  readonly data: JsonObject;
}

/** The 64 zeros a snapshot's digest chain starts from. */
export const SNAPSHOT_DIGEST_INITIAL = '0'.repeat(64);

const HEX64_CHARS = 64;

/** A loop, not a regular expression: every frame's checksum passes here, and the loop is several times faster. */
export function isHex64(text: unknown): text is string {
  return isLowerHex(text, HEX64_CHARS);
}

/** A binary-2 frame's CRC-32, as a chunk's checksum is named in the digest chain. */
const CRC32_HEX_CHARS = 8;

function isLowerHex(text: unknown, chars: number): text is string {
  if (typeof text !== 'string' || text.length !== chars) return false;
  for (let index = 0; index < chars; index += 1) {
    const unit = codeUnitAt(text, index);
    if (!((unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x66))) return false;
  }
  return true;
}

/** SHA-256 (lowercase hex) of the canonical JSON of {type, sequence, timestamp, data}. */
export function frameChecksum(fields: ChecksumFields): string {
  return checksumWithCanonicalData(fields, canonicalJson(fields.data));
}

/**
 * frameChecksum, given the canonical form of `data` already made (the encoder writes the same
 * text into the body, so it serialises the data once). The keys stand in sorted order.
 */
export function checksumWithCanonicalData(fields: Omit<ChecksumFields, 'data'>, canonicalData: string): string {
  return checksumOfCanonicalText({ type: canonicalJson(fields.type), sequence: canonicalJson(fields.sequence), timestamp: canonicalJson(fields.timestamp), data: canonicalData });
}

/** frameChecksum, given the canonical form of all four fields: a decoder that read them as such text. */
export function checksumOfCanonicalText(text: { readonly type: string; readonly sequence: string; readonly timestamp: string; readonly data: string }): string {
  return checkedSha256Hex(`{"data":${text.data},"sequence":${text.sequence},"timestamp":${text.timestamp},"type":${text.type}}`);
}

/**
 * The snapshot digest after one more chunk: sha256(previous + chunkChecksum), hex in and out. A
 * chunk's checksum is its frame's: a SHA-256 (JSON, binary-1) or a CRC-32 (binary-2).
 */
export function chainDigest(previous: string, chunkChecksum: string): string {
  assert(isHex64(previous), 'chainDigest: previous must be 64 lowercase hex characters');
  assert(isHex64(chunkChecksum) || isLowerHex(chunkChecksum, CRC32_HEX_CHARS), 'chainDigest: chunkChecksum must be 64 or 8 lowercase hex characters');
  return checkedSha256Hex(previous + chunkChecksum);
}

/** The installed SHA-256, with its result checked: an installed implementation may be wrong. */
function checkedSha256Hex(text: string): string {
  const digest = sha256Hex(text);
  assert(isHex64(digest), 'sha256Hex: digest must be 64 lowercase hex characters');
  return digest;
}
