/**
 * The formats a data frame (an operation, a BATCH, a SNAPSHOT_CHUNK) may travel in. JSON is every
 * link's, always; a binary format only on a link where the secondary offered it in its HELLO and
 * the primary chose it in its WELCOME (docs/PROTOCOL.md, "Binary data frames"). Control frames are
 * JSON on every link.
 *
 * The two binary formats differ only in their checksum: binary-1 ends a frame with its SHA-256,
 * binary-2 with its CRC-32, several times cheaper on large frames. binary-2 is preferred where
 * both ends know it; binary-1 stays for peers of the releases before it.
 */
export const BINARY_SHA256_FORMAT = 'binary-1';
export const BINARY_CRC32_FORMAT = 'binary-2';
export type BinaryWireFormat = typeof BINARY_SHA256_FORMAT | typeof BINARY_CRC32_FORMAT;
export type WireFormat = 'json' | BinaryWireFormat;

/** In order of preference: what a secondary offers, and what a primary picks first from an offer. */
export const BINARY_WIRE_FORMATS: readonly BinaryWireFormat[] = [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT];

export function isBinaryWireFormat(format: unknown): format is BinaryWireFormat {
  return format === BINARY_CRC32_FORMAT || format === BINARY_SHA256_FORMAT;
}

/**
 * A node's configuration. 'binary' offers both binary formats (a secondary) or takes the best one
 * offered (a primary); 'binary-1' only binary-1, as a node of the release before binary-2 does;
 * 'json' none.
 */
export type WireFormatSetting = 'binary' | typeof BINARY_SHA256_FORMAT | 'json';

export const WIRE_FORMAT_SETTINGS: readonly WireFormatSetting[] = ['binary', BINARY_SHA256_FORMAT, 'json'];

/** The binary formats a node of this setting offers or accepts, best first. */
export function binaryFormatsOf(setting: WireFormatSetting): readonly BinaryWireFormat[] {
  if (setting === 'binary') return BINARY_WIRE_FORMATS;
  if (setting === BINARY_SHA256_FORMAT) return [BINARY_SHA256_FORMAT];
  return [];
}

/** The format a primary of `setting` chooses from a HELLO's offer: its best that the secondary offered, or JSON. */
export function chosenWireFormat(setting: WireFormatSetting, offered: readonly string[] | undefined): WireFormat {
  return binaryFormatsOf(setting).find((format) => offered?.includes(format) === true) ?? 'json';
}

/** A HELLO offers at most this many formats, each a name of at most WIRE_FORMAT_NAME_LENGTH_MAX units. */
export const WIRE_FORMATS_OFFERED_MAX = 8;
export const WIRE_FORMAT_NAME_LENGTH_MAX = 32;
