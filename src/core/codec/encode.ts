import { AssertionError, assert } from '../assert.js';
import type { Frame } from '../frame.js';
import { FRAME_HEADER_BYTES, type Limits } from '../limits.js';
import { canonicalJson } from './canonical-json.js';
import { encodeBinaryFrame, isDataFrame } from './binary-frame.js';
import { checksumWithCanonicalData } from './checksum.js';
import { checkFrame } from './frame-rules.js';
import { frameText, type FrameText } from './frame-text.js';
import { frameBytes } from './frame-bytes.js';
import { writeFrameLength } from './frame-length.js';
import { isBinaryWireFormat, type WireFormat } from './wire-format.js';

export { operationWireBytesMax } from './wire-size.js';

export interface EncodedFrame {
  /** Length prefix and body, ready to transmit. */
  readonly bytes: Uint8Array;
  /** 64 lowercase hex, whatever the format: snapshot digests chain these. */
  readonly checksum: string;
}

const utf8 = new TextEncoder();

/**
 * Encodes a frame: a 4-byte big-endian body length, then the body. On a link that negotiated a
 * binary format a data frame's body is binary (binary-frame.ts); every other body is JSON, with the
 * envelope keys in the original's order, written in the canonical form (sorted data keys,
 * everything outside printable ASCII escaped), so it is pure ASCII and one byte per character.
 */
export function encodeFrame(frame: Frame, limits: Limits, wireFormat: WireFormat = 'json'): EncodedFrame {
  checkFrame(frame, limits, encoderFault);
  if (isBinaryWireFormat(wireFormat) && isDataFrame(frame)) return encodeBinaryFrame(frame, limits, wireFormat);
  const text = frameText(frame);
  const checksum = checksumWithCanonicalData(text, text.data);
  const body = envelopeJson(text, checksum);
  // Messages made only on failure: a template with numbers costs a conversion on every frame.
  if (body.length > limits.frameBytesMax) throw new AssertionError(`encodeFrame: body of ${body.length} bytes exceeds frameBytesMax (${limits.frameBytesMax})`);
  const bytes = frameBytes(FRAME_HEADER_BYTES + body.length);
  writeFrameLength(bytes, body.length);
  const { written } = utf8.encodeInto(body, bytes.subarray(FRAME_HEADER_BYTES));
  assert(written === body.length, 'encodeFrame: the body must be pure ASCII');
  return { bytes, checksum };
}

function encoderFault(message: string): Error {
  return new AssertionError(`encodeFrame: ${message}`);
}

function envelopeJson(text: FrameText, checksum: string): string {
  const type = canonicalJson(text.type);
  const sequence = canonicalJson(text.sequence);
  const timestamp = canonicalJson(text.timestamp);
  return `{"type":${type},"sequence":${sequence},"timestamp":${timestamp},"data":${text.data},"checksum":"${checksum}"}`;
}
