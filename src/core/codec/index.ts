/** The wire codec: frames to bytes and back (docs/PROTOCOL.md). */
export { decodeBase64, encodeBase64 } from './base64.js';
export { canonicalJson } from './canonical-json.js';
export { chainDigest, frameChecksum, SNAPSHOT_DIGEST_INITIAL, type ChecksumFields } from './checksum.js';
export {
  portableSha256Bytes, portableSha256Hex, sha256Bytes, sha256Hex, useSha256, useSha256Bytes, type Sha256Bytes, type Sha256Hex,
} from './sha256.js';
export { binaryFormatOf } from './binary-frame.js';
export { decodeFrameBody, type DecodedBody } from './decode.js';
export { encodeFrame, type EncodedFrame } from './encode.js';
export { FrameDecoder, type DecodedFrame } from './frame-decoder.js';
export { checkOperation, type Fail } from './frame-rules.js';
export { frameToWire, type WireEnvelope } from './frame-wire.js';
export type { JsonObject, JsonValue } from './json.js';
export { TIMESTAMP_MS_MAX } from './wire-time.js';
export {
  BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, BINARY_WIRE_FORMATS, binaryFormatsOf, chosenWireFormat, isBinaryWireFormat, WIRE_FORMAT_NAME_LENGTH_MAX,
  WIRE_FORMAT_SETTINGS, WIRE_FORMATS_OFFERED_MAX, type BinaryWireFormat, type WireFormat, type WireFormatSetting,
} from './wire-format.js';
export { crc32, portableCrc32, useCrc32, type Crc32 } from './crc32.js';
export { operationWireBytesMax } from './wire-size.js';
