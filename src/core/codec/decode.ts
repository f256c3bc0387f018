import { ChecksumMismatchError, FrameTooLargeError, ProtocolError } from '../errors.js';
import type { Frame } from '../frame.js';
import type { Limits } from '../limits.js';
import { frameChecksum, isHex64 } from './checksum.js';
import { checkFrame } from './frame-rules.js';
import { frameFromWire, wireTimestamp, type WireEnvelope } from './frame-wire.js';
import { jsonTreeProblem, type JsonValue } from './json.js';
import { WireObject } from './wire-reader.js';

export interface DecodedBody {
  readonly frame: Frame;
  readonly checksum: string;
}

/** Deeper than any valid frame (envelope, data, operations, item, data, tags). */
const JSON_DEPTH_MAX = 8;
const ENVELOPE_KEYS = ['type', 'sequence', 'timestamp', 'data', 'checksum'];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes one frame body (the bytes after the length prefix). The checksum is verified on the
 * data exactly as received, before any field is interpreted or any value base64-decoded.
 */
export function decodeFrameBody(body: Uint8Array, limits: Limits): DecodedBody {
  if (body.length === 0) throw new ProtocolError('frame body is empty');
  if (body.length > limits.frameBytesMax) {
    throw new FrameTooLargeError(`frame body of ${body.length} bytes exceeds frameBytesMax (${limits.frameBytesMax})`);
  }
  const { envelope, checksum } = envelopeOf(parseJson(body));
  if (frameChecksum(envelope) !== checksum) {
    throw new ChecksumMismatchError(`${envelope.type.slice(0, 64)} frame checksum does not match its contents`);
  }
  const frame = frameFromWire(envelope, limits);
  checkFrame(frame, limits, (message) => new ProtocolError(message));
  return { frame, checksum };
}

function parseJson(body: Uint8Array): JsonValue {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new ProtocolError('frame body is not valid UTF-8');
  }
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
