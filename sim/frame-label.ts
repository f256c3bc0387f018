import { binaryFormatOf, decodeFrameBody } from '../src/core/codec/index.js';
import type { Frame } from '../src/core/frame.js';
import { FRAME_HEADER_BYTES, type Limits } from '../src/core/limits.js';

/**
 * What a transmit carries, for the trace and the timeline: one description per frame, joined by
 * "; ". Each reads "HEAD: details", and the HEAD alone (the frame's wire type, with its count or
 * sequence) is short enough to label an arrow with.
 */
export function describeFrames(bytes: Uint8Array, limits: Limits): string {
  const descriptions: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= bytes.length) {
    const bodyEnd = offset + FRAME_HEADER_BYTES + view.getUint32(offset, false);
    if (bodyEnd > bytes.length) break;
    descriptions.push(describeBody(bytes.subarray(offset + FRAME_HEADER_BYTES, bodyEnd), limits));
    offset = bodyEnd;
  }
  if (offset < bytes.length) descriptions.push(`PART: ${bytes.length - offset} bytes of a frame`);
  return descriptions.join('; ');
}

/** The head of each description: "BATCH ×8 + ACK 12". */
export function frameHeads(description: string): string {
  return description
    .split('; ')
    .map((frame) => frame.split(':')[0])
    .join(' + ');
}

function describeBody(body: Uint8Array, limits: Limits): string {
  try {
    // In the format the body names, on every link: the description needs no check of what was negotiated.
    return describeFrame(decodeFrameBody(body, limits, binaryFormatOf(body[0]) ?? 'json').frame);
  } catch (error) {
    return `UNDECODABLE: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function describeFrame(frame: Frame): string {
  switch (frame.kind) {
    case 'operation':
      return `${frame.op.type} ${frame.sequence}: operation ${frame.sequence}`;
    case 'batch':
      return `BATCH ×${frame.entries.length}: operations ${frame.entries[0]?.sequence ?? 0} to ${frame.entries.at(-1)?.sequence ?? 0}`;
    case 'hello':
      return `HELLO: from ${frame.replicaId}, protocol ${frame.protocolVersion}`;
    case 'welcome':
      return `WELCOME: history ${frame.replicationId} at ${frame.lastSequence}${frame.wireFormat === undefined ? '' : `, ${frame.wireFormat} data frames`}`;
    case 'syncRequest':
      return `SYNC_REQUEST: ${frame.replicationId === null ? 'no history yet' : `holds up to ${frame.fromSequence - 1}`}, asks from ${frame.fromSequence}`;
    case 'syncResponse':
      return `SYNC_RESPONSE: ${frame.mode === 'full_resync' ? 'full resync, snapshot then operations' : 'continue with operations'} from ${frame.fromSequence}`;
    case 'snapshotChunk':
      return `SNAPSHOT #${frame.index}: SNAPSHOT_CHUNK of ${frame.entries.length} entries`;
    case 'snapshotEnd':
      return `SNAPSHOT_END: ${frame.chunkCount} chunks, ${frame.entryCount} entries, consistent at ${frame.consistentSequence}`;
    case 'ack':
      return `ACK ${frame.appliedSequence}: applied ${frame.appliedSequence}, durable ${frame.durableSequence}, received ${frame.receivedSequence}, ${frame.bytesReceived} bytes in`;
    case 'heartbeat':
      return `HEARTBEAT ${frame.lastSequence}: last sequence ${frame.lastSequence}`;
    case 'challenge':
      return 'CHALLENGE: the primary\'s nonce';
    case 'auth':
      return 'AUTH: the secondary\'s proof';
    case 'error':
      // A message with "; " in it would read as two frames.
      return `ERROR ${frame.code}: ${frame.message.replace(/;/g, ',')}`;
  }
}
