import { AssertionError, assert } from '../assert.js';
import type { Frame } from '../frame.js';
import { FRAME_HEADER_BYTES, type Limits } from '../limits.js';
import { canonicalJson } from './canonical-json.js';
import { checksumWithCanonicalData } from './checksum.js';
import { checkFrame } from './frame-rules.js';
import { frameText, type FrameText } from './frame-text.js';

export { operationWireBytesMax } from './wire-size.js';

export interface EncodedFrame {
  /** Length prefix and body, ready to transmit. */
  readonly bytes: Uint8Array;
  /** Snapshot digests chain these. */
  readonly checksum: string;
}

const utf8 = new TextEncoder();

/**
 * Encodes a frame: a 4-byte big-endian body length, then the JSON body with the envelope keys in
 * the original's order. The body is written in the canonical form (sorted data keys, everything
 * outside printable ASCII escaped), so it is pure ASCII and one byte per character.
 */
export function encodeFrame(frame: Frame, limits: Limits): EncodedFrame {
  checkFrame(frame, limits, (message) => new AssertionError(`encodeFrame: ${message}`));
  const text = frameText(frame);
  const checksum = checksumWithCanonicalData(text, text.data);
  const body = envelopeJson(text, checksum);
  assert(body.length <= limits.frameBytesMax, `encodeFrame: body of ${body.length} bytes exceeds frameBytesMax (${limits.frameBytesMax})`);
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(bytes.buffer).setUint32(0, body.length, false);
  const { written } = utf8.encodeInto(body, bytes.subarray(FRAME_HEADER_BYTES));
  assert(written === body.length, 'encodeFrame: the body must be pure ASCII');
  return { bytes, checksum };
}

function envelopeJson(text: FrameText, checksum: string): string {
  const type = canonicalJson(text.type);
  const sequence = canonicalJson(text.sequence);
  const timestamp = canonicalJson(text.timestamp);
  return `{"type":${type},"sequence":${sequence},"timestamp":${timestamp},"data":${text.data},"checksum":"${checksum}"}`;
}
