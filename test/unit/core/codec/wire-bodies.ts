/** JSON frame bodies edited after encoding, with a correct checksum, so the field checks are reached. */
import { frameChecksum } from '../../../../src/core/codec/checksum.js';
import { frameToWire, type WireEnvelope } from '../../../../src/core/codec/frame-wire.js';
import type { Frame } from '../../../../src/core/frame.js';

export function bodyWith(frame: Frame, edit: (data: Record<string, unknown>) => void): Uint8Array {
  const envelope = JSON.parse(JSON.stringify(frameToWire(frame))) as WireEnvelope & { data: Record<string, unknown> };
  edit(envelope.data);
  return new TextEncoder().encode(JSON.stringify({ ...envelope, checksum: frameChecksum(envelope) }));
}
