/**
 * The formats a data frame (an operation, a BATCH, a SNAPSHOT_CHUNK) may travel in. JSON is every
 * link's, always; binary-1 only on a link where the secondary offered it in its HELLO and the
 * primary chose it in its WELCOME (docs/PROTOCOL.md, "Binary data frames"). Control frames are
 * JSON on every link.
 */
export const BINARY_WIRE_FORMAT = 'binary-1';
export type WireFormat = 'json' | typeof BINARY_WIRE_FORMAT;

/** A node's configuration: 'binary' offers binary-1 (a secondary) or accepts the offer (a primary). */
export type WireFormatSetting = 'binary' | 'json';

/** A HELLO offers at most this many formats, each a name of at most WIRE_FORMAT_NAME_LENGTH_MAX units. */
export const WIRE_FORMATS_OFFERED_MAX = 8;
export const WIRE_FORMAT_NAME_LENGTH_MAX = 32;
