import { encodeFrame, FrameDecoder, type EncodedFrame, type WireFormat } from './codec/index.js';
import { assert } from './assert.js';
import type { ErrorCode, Frame } from './frame.js';
import { FRAME_HEADER_BYTES, type Limits } from './limits.js';
import type { OutputQueue } from './output.js';
import { ChecksumMismatchError, FrameTooLargeError, ProtocolError, WindowExceededError } from './errors.js';

export interface ReceivedFrame {
  readonly frame: Frame;
  readonly checksum: string;
  readonly frameBytes: number;
  readonly body: Uint8Array;
}

/**
 * One connection as a state machine sees it: a fresh decoder (so no partial frame survives a
 * reconnect), byte counters and the times of the last traffic each way.
 */
export class Link {
  private readonly decoder: FrameDecoder;
  bytesSent = 0;
  bytesReceived = 0;
  lastSentMs: number;
  /** When the last whole frame arrived: bytes that never complete a frame do not count as life. */
  lastReceivedMs: number;
  private lastBytesMs: number;

  private readonly inboundFrameBytesMax: number;

  /** `inboundFrameBytesMax`: the largest frame the peer may send (default: limits.frameBytesMax). */
  constructor(
    readonly connectionId: number,
    private readonly limits: Limits,
    readonly openedAtMs: number,
    inboundFrameBytesMax: number = limits.frameBytesMax,
  ) {
    assert(inboundFrameBytesMax <= limits.frameBytesMax, 'inboundFrameBytesMax must not exceed frameBytesMax');
    this.inboundFrameBytesMax = inboundFrameBytesMax;
    this.decoder = new FrameDecoder({ ...limits, frameBytesMax: inboundFrameBytesMax });
    this.lastSentMs = openedAtMs;
    this.lastReceivedMs = openedAtMs;
    this.lastBytesMs = openedAtMs;
  }

  /** Bytes received and not yet part of a whole frame taken out. */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }

  /** The data frames' format, both ways: JSON until the handshake negotiates binary-1. */
  get wireFormat(): WireFormat {
    return this.decoder.wireFormat;
  }

  /** Set once, by the handshake, before any data frame: a stream never mixes formats. */
  useWireFormat(format: WireFormat): void {
    assert(this.decoder.wireFormat === 'json', 'the wire format is negotiated once per link');
    this.decoder.wireFormat = format;
  }

  /** Encodes and queues a frame; returns its checksum (snapshot digests chain them). */
  send(frame: Frame, outputs: OutputQueue): { checksum: string; frameBytes: number } {
    return this.sendEncoded(encodeFrame(frame, this.limits, this.decoder.wireFormat), frame.timestampMs, outputs);
  }

  /** Queues a frame encoded for this link's wire format already (one batch for every peer in step). */
  sendEncoded(encoded: EncodedFrame, timestampMs: number, outputs: OutputQueue): { checksum: string; frameBytes: number } {
    outputs.push({ kind: 'transmit', connectionId: this.connectionId, bytes: encoded.bytes });
    this.bytesSent += encoded.bytes.length;
    this.lastSentMs = timestampMs;
    return { checksum: encoded.checksum, frameBytes: encoded.bytes.length };
  }

  /** Buffers received bytes; throws a ProtocolError (FrameTooLargeError before buffering). */
  receive(bytes: Uint8Array, nowMs: number): void {
    this.lastBytesMs = nowMs;
    this.decoder.push(bytes);
  }

  /** The next complete frame, if any; throws a ProtocolError on bad bytes. */
  nextFrame(): ReceivedFrame | undefined {
    const decoded = this.decoder.next();
    if (decoded !== undefined) {
      this.bytesReceived += decoded.frameBytes;
      // A corrupted length prefix can leave a link delivering bytes that never make a frame.
      this.lastReceivedMs = this.lastBytesMs;
    }
    return decoded;
  }

  /**
   * Checked once the machine has handled an input: it takes every whole frame out, and the decoder
   * refuses a length above the peer's frame bound before buffering, so what is left is part of one
   * frame the peer may send.
   */
  invariants(): void {
    assert(this.decoder.framesBuffered === 0, 'a whole frame left in the decoder after its input was handled');
    assert(this.decoder.bufferedBytes < FRAME_HEADER_BYTES + this.inboundFrameBytesMax, 'a frame decoder buffers more than part of one frame the peer may send');
  }
}

/**
 * The most bytes a link may hold unacknowledged: the outbound budget plus one whole frame on the
 * wire. The budget admits a frame only while the largest batch or chunk still fits beside what is
 * outstanding, so only an operation too large for a batch, which goes alone, overshoots it, by less
 * than a frame. The margin that leaves (at least a batch and two envelopes) holds the control
 * frames sent outside the budget and acknowledged on receipt: the handshake's, one SNAPSHOT_END,
 * and heartbeats, one per heartbeatIntervalMs at most, until an ACK or replicationTimeoutMs.
 */
export function unackedBytesMax(limits: Limits, budgetBytes = limits.outboundBudgetBytes): number {
  return budgetBytes + FRAME_HEADER_BYTES + limits.frameBytesMax;
}

/** The error code a peer is told when its bytes were rejected. */
export function protocolErrorCode(error: ProtocolError): ErrorCode {
  if (error instanceof ChecksumMismatchError) return 'checksum';
  if (error instanceof FrameTooLargeError) return 'frame_too_large';
  if (error instanceof WindowExceededError) return 'budget';
  return 'protocol';
}
