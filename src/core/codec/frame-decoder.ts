import { FrameTooLargeError, ProtocolError } from '../errors.js';
import type { Frame } from '../frame.js';
import { FRAME_HEADER_BYTES, type Limits } from '../limits.js';
import { decodeFrameBody } from './decode.js';
import { Fifo } from './fifo.js';
import { readFrameLength } from './frame-length.js';
import type { WireFormat } from './wire-format.js';

export interface DecodedFrame {
  readonly frame: Frame;
  readonly checksum: string;
  /** Length prefix plus body: what the frame took on the wire. */
  readonly frameBytes: number;
  /** The body as received (a view of a pushed chunk when it lay in one): a secondary's applied log keeps a data frame's. */
  readonly body: Uint8Array;
}

/**
 * Turns a byte stream into frames. push() walks every length prefix as soon as its fourth byte
 * arrives, so an oversized frame is refused before any of its body is buffered, even if next()
 * is not called in between. Chunks are kept as pushed (callers must not modify them afterwards)
 * and copied only to assemble a complete body that spans several of them.
 *
 * Any error fails the decoder for good: a frame is never skipped, the connection must close.
 */
export class FrameDecoder {
  private readonly chunks = new Fifo<Uint8Array>();
  private headOffset = 0;
  private buffered = 0;
  private consumed = 0;
  /** Body lengths of the complete frames buffered, oldest first. */
  private readonly completeBodies = new Fifo<number>();
  // The scan position within the frame after the last complete one.
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private bodyLength = 0;
  private bodyRemaining = 0;
  private failure: Error | undefined;
  /** What the link negotiated: binary bodies are refused until it is binary-1. */
  wireFormat: WireFormat = 'json';

  constructor(private readonly limits: Limits) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Complete frames buffered that next() has not returned yet. */
  get framesBuffered(): number {
    return this.completeBodies.length;
  }

  /** Total bytes of the frames next() has returned. */
  get bytesConsumed(): number {
    return this.consumed;
  }

  push(chunk: Uint8Array): void {
    this.throwIfFailed();
    this.guard(() => this.scan(chunk));
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  next(): DecodedFrame | undefined {
    this.throwIfFailed();
    const bodyBytes = this.completeBodies.shift();
    if (bodyBytes === undefined) return undefined;
    this.skip(FRAME_HEADER_BYTES);
    const body = this.take(bodyBytes);
    const decoded = this.guard(() => decodeFrameBody(body, this.limits, this.wireFormat));
    const frameBytes = FRAME_HEADER_BYTES + bodyBytes;
    this.consumed += frameBytes;
    return { frame: decoded.frame, checksum: decoded.checksum, frameBytes, body };
  }

  private scan(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      offset = this.bodyRemaining === 0 ? this.scanHeader(chunk, offset) : this.scanBody(chunk, offset);
    }
  }

  private scanHeader(chunk: Uint8Array, offset: number): number {
    const count = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - offset);
    this.header.set(chunk.subarray(offset, offset + count), this.headerFill);
    this.headerFill += count;
    if (this.headerFill === FRAME_HEADER_BYTES) {
      this.headerFill = 0;
      this.bodyLength = this.checkedBodyLength();
      this.bodyRemaining = this.bodyLength;
    }
    return offset + count;
  }

  private checkedBodyLength(): number {
    const length = readFrameLength(this.header);
    if (length > this.limits.frameBytesMax) {
      throw new FrameTooLargeError(`frame length ${length} exceeds frameBytesMax (${this.limits.frameBytesMax})`);
    }
    if (length === 0) throw new ProtocolError('frame length is 0: a frame body is never empty');
    return length;
  }

  private scanBody(chunk: Uint8Array, offset: number): number {
    const count = Math.min(this.bodyRemaining, chunk.length - offset);
    this.bodyRemaining -= count;
    if (this.bodyRemaining === 0) this.completeBodies.push(this.bodyLength);
    return offset + count;
  }

  /** The next `byteCount` buffered bytes: a view when they lie in one chunk, else a copy. */
  private take(byteCount: number): Uint8Array {
    const first = this.chunks.peek()!;
    if (first.length - this.headOffset >= byteCount) {
      const view = first.subarray(this.headOffset, this.headOffset + byteCount);
      this.advance(byteCount);
      return view;
    }
    const out = new Uint8Array(byteCount);
    let filled = 0;
    while (filled < byteCount) {
      const chunk = this.chunks.peek()!;
      const count = Math.min(byteCount - filled, chunk.length - this.headOffset);
      out.set(chunk.subarray(this.headOffset, this.headOffset + count), filled);
      filled += count;
      this.advance(count);
    }
    return out;
  }

  private skip(byteCount: number): void {
    let left = byteCount;
    while (left > 0) {
      const chunk = this.chunks.peek()!;
      const count = Math.min(left, chunk.length - this.headOffset);
      left -= count;
      this.advance(count);
    }
  }

  /** Consumes `byteCount` bytes, all within the first chunk. */
  private advance(byteCount: number): void {
    this.headOffset += byteCount;
    this.buffered -= byteCount;
    if (this.headOffset === this.chunks.peek()!.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }

  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.failure = error instanceof Error ? error : new ProtocolError(String(error));
      this.chunks.clear();
      this.completeBodies.clear();
      this.buffered = 0;
      throw error;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw new ProtocolError(`the frame decoder failed earlier and accepts nothing more: ${this.failure.message}`);
    }
  }
}
