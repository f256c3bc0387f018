import type { AckFrame } from '../frame.js';
import { checksumOfCanonicalText } from './checksum.js';
import { timestampFromWire } from './wire-time.js';

/**
 * An integer of at most 15 digits, no leading zero. Every decimal of at most 15 significant
 * digits reads as a distinct double, so Number() of one is exact and String() writes it back as
 * it stands: the text as received is its canonical JSON.
 */
const INTEGER = '(0|[1-9]\\d{0,14})';
/** Float seconds with up to three decimals, the last not 0, at most 15 digits in all: canonical by the same reasoning. */
const TIMESTAMP = '((?:0|[1-9]\\d{0,11})(?:\\.\\d{0,2}[1-9])?)';

/** An ACK body exactly as frame-text.ts and encode.ts write it. */
const ENCODER_ACK = new RegExp(
  `^\\{"type":"ACK","sequence":0,"timestamp":${TIMESTAMP},"data":(\\{"applied_sequence":${INTEGER},"bytes_received":${INTEGER},`
    + `"durable_sequence":${INTEGER},"received_sequence":${INTEGER}\\}),"checksum":"([0-9a-f]{64})"\\}$`,
);

/**
 * The ACK a body holds, when it is exactly what our encoder writes and its checksum matches;
 * undefined for anything else, which the general decoder then takes (and refuses with its own
 * error when it must). Over half of all frames are ACKs: parsing their JSON, walking it, reading it
 * field by field and writing the timestamp back to text for the checksum was about half of the
 * cost of decoding one. What this accepts, the general decoder accepts as the same frame: the
 * text it hashes is the canonical form of the numbers it reads.
 */
export function ackFromEncoderText(text: string): { frame: AckFrame; checksum: string } | undefined {
  const match = ENCODER_ACK.exec(text);
  if (match === null) return undefined;
  const [, timestamp, data, applied, bytes, durable, received, checksum] = match as unknown as string[];
  if (checksumOfCanonicalText({ type: '"ACK"', sequence: '0', timestamp: timestamp!, data: data! }) !== checksum) return undefined;
  const frame: AckFrame = {
    kind: 'ack',
    timestampMs: timestampFromWire(Number(timestamp)),
    receivedSequence: Number(received),
    appliedSequence: Number(applied),
    durableSequence: Number(durable),
    bytesReceived: Number(bytes),
  };
  return { frame, checksum: checksum! };
}
