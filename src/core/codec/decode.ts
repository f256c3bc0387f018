import { ChecksumMismatchError, FrameTooLargeError, ProtocolError } from '../errors.js';
import type { Frame } from '../frame.js';
import { JSON_DEPTH_MAX, type Limits } from '../limits.js';
import { ackFromEncoderText } from './ack-text.js';
import { binaryFormatOf, decodeBinaryBody } from './binary-frame.js';
import { checksumWithCanonicalData, frameChecksum, isHex64 } from './checksum.js';
import { checkFrame } from './frame-rules.js';
import { frameFromWire, wireTimestamp, type WireEnvelope } from './frame-wire.js';
import { jsonTreeProblem, type JsonValue } from './json.js';
import type { WireFormat } from './wire-format.js';
import { WireObject } from './wire-reader.js';

export interface DecodedBody {
  readonly frame: Frame;
  readonly checksum: string;
}

const ENVELOPE_KEYS = ['type', 'sequence', 'timestamp', 'data', 'checksum'];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes one frame body (the bytes after the length prefix). The checksum is verified on the
 * data exactly as received, before any field is interpreted or any value base64-decoded. A binary
 * body is accepted only in the binary format its link negotiated.
 */
export function decodeFrameBody(body: Uint8Array, limits: Limits, wireFormat: WireFormat = 'json'): DecodedBody {
  if (body.length === 0) throw new ProtocolError('frame body is empty');
  if (body.length > limits.frameBytesMax) {
    throw new FrameTooLargeError(`frame body of ${body.length} bytes exceeds frameBytesMax (${limits.frameBytesMax})`);
  }
  const binary = binaryFormatOf(body[0]);
  if (binary !== undefined) {
    if (wireFormat !== binary) throw new ProtocolError(`a ${binary} frame on a link that did not negotiate ${binary} (${wireFormat})`);
    return decodeBinaryBody(body, limits);
  }
  const text = utf8Text(body);
  const ack = ackFromEncoderText(text);
  if (ack !== undefined) {
    checkFrame(ack.frame, limits, (message) => new ProtocolError(message));
    return ack;
  }
  const { envelope, checksum } = envelopeOf(parseJson(text));
  if (!hashedAsReceived(text, envelope, checksum) && frameChecksum(envelope) !== checksum) {
    throw new ChecksumMismatchError(`${envelope.type.slice(0, 64)} frame checksum does not match its contents`);
  }
  const frame = frameFromWire(envelope, limits);
  checkFrame(frame, limits, (message) => new ProtocolError(message));
  return { frame, checksum };
}

/**
 * Our encoder writes the data in the canonical form already, so its text as received can be hashed
 * without serialising it again. Anything else (another layout, a Python sender's spaces, or a
 * mismatch) goes the long way, through the canonical form of what was parsed: a damaged frame fails
 * both. Only the data's text is taken as it stands; type, sequence and timestamp are re-serialised.
 */
function hashedAsReceived(text: string, envelope: WireEnvelope, checksum: string): boolean {
  const prefix = ENCODER_LAYOUT_PREFIX.exec(text);
  if (prefix === null || !text.endsWith(`,"checksum":"${checksum}"}`)) return false;
  const data = text.slice(prefix[0].length, text.length - CHECKSUM_SUFFIX_CHARS);
  return checksumWithCanonicalData(envelope, data) === checksum;
}

const ENCODER_LAYOUT_PREFIX = /^\{"type":"[A-Z_]+","sequence":\d+,"timestamp":[0-9.e+-]+,"data":/;
/** `,"checksum":"` + 64 hex + `"}` */
const CHECKSUM_SUFFIX_CHARS = 13 + 64 + 2;

function utf8Text(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new ProtocolError('frame body is not valid UTF-8');
  }
}

function parseJson(text: string): JsonValue {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch {
    throw new ProtocolError('frame body is not valid JSON');
  }
  const problem = jsonTreeProblem(json, JSON_DEPTH_MAX);
  if (problem !== undefined) throw new ProtocolError(`frame body: ${problem}`);
  return json;
}

function envelopeOf(json: JsonValue): { envelope: WireEnvelope; checksum: string } {
  const wire = WireObject.of(json, 'frame').keys(ENVELOPE_KEYS);
  const checksum = wire.string('checksum');
  if (!isHex64(checksum)) throw wire.error('checksum', 'must be 64 lowercase hex characters');
  const sequence = wire.number('sequence');
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw wire.error('sequence', `must be a non-negative safe integer, got ${sequence}`);
  const envelope = { type: wire.string('type'), sequence, timestamp: wireTimestamp(wire), data: wire.rawObject('data') };
  return { envelope, checksum };
}
