import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAULT_PROXY_LIMITS } from './limits.js';
import type { Link } from './link.js';
import type { Direction, Toxic } from './toxic.js';

const MICROSECONDS_PER_MS = 1000;
const BYTES_PER_KB = 1024;
const MS_PER_S = 1000;

/**
 * One direction of a link: bytes from `source` go to `sink` through the link's toxics, one chunk
 * at a time and in order. Past bufferedBytesMax the source is paused, so a slow toxic pushes back
 * on the sender instead of growing memory.
 */
export class Stream {
  private chain: Promise<void> = Promise.resolve();
  private bufferedBytes = 0;
  /** Bytes delivered so far, for limit_data. */
  private passedBytes = 0;
  /** The sink has been sent FIN: nothing more may be written to it. */
  private ended = false;

  constructor(
    private readonly link: Link,
    private readonly direction: Direction,
    private readonly source: Socket,
    private readonly sink: Socket,
  ) {
    source.on('data', (chunk: Buffer) => this.enqueue(chunk));
    source.on('end', () => (this.chain = this.chain.then(() => this.endSink())));
  }

  private enqueue(chunk: Buffer): void {
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes > FAULT_PROXY_LIMITS.bufferedBytesMax) this.source.pause();
    this.chain = this.chain
      .then(() => this.deliver(chunk))
      // A stream that cannot deliver has broken its link: close it rather than leave the chain rejected.
      .catch(() => this.link.close())
      .finally(() => this.release(chunk.length));
  }

  private release(bytes: number): void {
    this.bufferedBytes -= bytes;
    if (this.bufferedBytes <= FAULT_PROXY_LIMITS.bufferedBytesMax && this.source.isPaused()) this.source.resume();
  }

  private async deliver(chunk: Buffer): Promise<void> {
    await this.holdWhileTimedOut();
    let pieces = [chunk];
    for (const toxic of this.link.toxics(this.direction)) {
      if (this.link.closed) return;
      pieces = await this.apply(toxic, pieces);
    }
    for (const piece of pieces) this.write(piece);
  }

  /** A timeout toxic lets nothing through until it is removed (its timer closes the link). */
  private async holdWhileTimedOut(): Promise<void> {
    while (!this.link.closed && this.link.toxics(this.direction).some((toxic) => toxic.type === 'timeout')) await this.link.nextChange();
  }

  private async apply(toxic: Toxic, pieces: Buffer[]): Promise<Buffer[]> {
    const bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
    switch (toxic.type) {
      case 'latency':
        await sleep(Math.max(0, toxic.attributes.latency + toxic.attributes.jitter * (2 * Math.random() - 1)));
        return pieces;
      case 'bandwidth':
        if (toxic.attributes.rate > 0) await sleep((bytes / (toxic.attributes.rate * BYTES_PER_KB)) * MS_PER_S);
        return pieces;
      case 'slicer':
        return this.slice(toxic.attributes, pieces);
      case 'limit_data':
        return this.limit(toxic.attributes.bytes, pieces);
      default:
        return pieces;
    }
  }

  /** Writes the slices itself, spaced by the slicer's delay (in microseconds, as toxiproxy has it). */
  private async slice(attributes: { average_size: number; size_variation: number; delay: number }, pieces: Buffer[]): Promise<Buffer[]> {
    const whole = Buffer.concat(pieces);
    let offset = 0;
    while (offset < whole.length && !this.link.closed) {
      const size = Math.max(1, Math.round(attributes.average_size + attributes.size_variation * (2 * Math.random() - 1)));
      this.write(whole.subarray(offset, offset + size));
      offset += size;
      if (attributes.delay > 0) await sleep(attributes.delay / MICROSECONDS_PER_MS);
    }
    return [];
  }

  /** Lets through what stays under the limit; reaching it closes the link. */
  private limit(limitBytes: number, pieces: Buffer[]): Buffer[] {
    const whole = Buffer.concat(pieces);
    const allowed = Math.max(0, limitBytes - this.passedBytes);
    if (whole.length < allowed) return [whole];
    this.write(whole.subarray(0, allowed));
    this.ended = true;
    this.sink.end(() => this.link.close());
    return [];
  }

  private write(piece: Buffer): void {
    if (this.link.closed || this.ended || piece.length === 0) return;
    this.passedBytes += piece.length;
    this.sink.write(piece);
  }

  /** The source said FIN: pass it on, after slow_close's delay. */
  private async endSink(): Promise<void> {
    const slowClose = this.link.toxics(this.direction).find((toxic) => toxic.type === 'slow_close');
    if (slowClose !== undefined) await sleep(slowClose.attributes.delay);
    if (this.link.closed || this.ended) return;
    this.ended = true;
    this.sink.end();
  }
}
