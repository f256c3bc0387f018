import type { AckFrame, Frame } from '../frame.js';
import type { LogEntry } from '../operation.js';
import { canonicalJson, quoteAscii } from './canonical-json.js';
import { frameToWire } from './frame-wire.js';
import { operationDataText } from './operation-encodings.js';
import { timestampToWire } from './wire-time.js';

/** A frame's envelope fields, with its data already in canonical JSON. */
export interface FrameText {
  readonly type: string;
  readonly sequence: number;
  readonly timestamp: number;
  readonly data: string;
}

/**
 * What frameToWire and canonicalJson of its data give, built for the frames that carry
 * operations from each operation's text (operation-encodings.ts) rather than from a wire object made
 * anew for every frame. The keys stand in sorted order, as canonicalJson writes them.
 */
export function frameText(frame: Frame): FrameText {
  const timestamp = timestampToWire(frame.timestampMs);
  switch (frame.kind) {
    case 'operation':
      return { type: frame.op.type, sequence: frame.sequence, timestamp, data: operationDataText(frame.op) };
    case 'batch':
      return { type: 'BATCH', sequence: frame.entries[0]?.sequence ?? 0, timestamp, data: `{"operations":[${frame.entries.map(batchItemText).join(',')}]}` };
    case 'snapshotChunk':
      return { type: 'SNAPSHOT_CHUNK', sequence: 0, timestamp, data: `{"entries":[${frame.entries.map(operationDataText).join(',')}],"index":${canonicalJson(frame.index)}}` };
    case 'ack':
      // A third of all frames: written directly rather than built as an object and sorted.
      return { type: 'ACK', sequence: 0, timestamp, data: ackDataText(frame) };
    default: {
      const envelope = frameToWire(frame);
      return { ...envelope, data: canonicalJson(envelope.data) };
    }
  }
}

function ackDataText(ack: AckFrame): string {
  const applied = canonicalJson(ack.appliedSequence);
  const bytes = canonicalJson(ack.bytesReceived);
  const durable = canonicalJson(ack.durableSequence);
  return `{"applied_sequence":${applied},"bytes_received":${bytes},"durable_sequence":${durable},"received_sequence":${canonicalJson(ack.receivedSequence)}}`;
}

function batchItemText(entry: LogEntry): string {
  const sequence = canonicalJson(entry.sequence);
  const timestamp = canonicalJson(timestampToWire(entry.timestampMs));
  return `{"data":${operationDataText(entry.op)},"sequence":${sequence},"timestamp":${timestamp},"type":${quoteAscii(entry.op.type)}}`;
}
