import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAULT_PROXY_LIMITS } from './limits.js';
import type { Link, Stage, ToxicRun } from './link.js';
import { slicerPieceEnds } from './slicer.js';
import type { Direction, Toxic } from './toxic.js';

const MICROSECONDS_PER_MS = 1000;
/**
 * toxiproxy's bandwidth lets a chunk bigger than this many milliseconds' worth of bytes through in
 * slices of that size, one every such interval. Its rate is in KB/s of 1000 bytes: bytes per ms.
 */
const BANDWIDTH_SLICE_MS = 100;

/** Bytes on their way, with the time they were read from the source (moved on by each latency toxic they pass). */
interface Chunk {
  readonly data: Buffer;
  readonly at: number;
}

type ToxicOfType<T extends Toxic['type']> = Extract<Toxic, { type: T }>;

/**
 * One direction of a link: bytes from `source` go to `sink` through the link's toxics, one chunk
 * at a time and in order; a toxic that cuts a chunk passes each piece through the toxics after it.
 * Past bufferedBytesMax the source is paused, so a slow toxic pushes back on the sender instead of
 * growing memory. As in toxiproxy there is no half-close: when the source ends, the sink is closed
 * both ways once everything read has gone through, and the other direction then ends in turn.
 */
export class Stream {
  private chain: Promise<void> = Promise.resolve();
  private bufferedBytes = 0;
  /** The source has ended, or the other direction closed it: only what was read still goes through. */
  private finished = false;
  /** The sink is being closed: nothing more may be written to it. */
  private ended = false;
  private sinkClosed: () => void = () => undefined;

  constructor(
    private readonly link: Link,
    private readonly direction: Direction,
    private readonly source: Socket,
    private readonly sink: Socket,
  ) {
    source.on('data', (data: Buffer) => this.enqueue({ data, at: performance.now() }));
    source.on('end', () => this.finish());
  }

  /** The source is done: it sent FIN, or the other direction closed it. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.chain = this.chain.then(() => this.end(this.link.stages(this.direction)));
  }

  /** Calls `callback` once this stream has closed its sink, which is the other direction's source. */
  whenSinkClosed(callback: () => void): void {
    this.sinkClosed = callback;
  }

  private enqueue(chunk: Chunk): void {
    this.bufferedBytes += chunk.data.length;
    if (this.bufferedBytes > FAULT_PROXY_LIMITS.bufferedBytesMax) this.source.pause();
    this.chain = this.chain
      .then(() => this.pass(chunk, this.link.stages(this.direction)))
      // A stream that cannot deliver has broken its link: close it rather than leave the chain rejected.
      .catch(() => this.link.close())
      .finally(() => this.release(chunk.data.length));
  }

  private release(bytes: number): void {
    this.bufferedBytes -= bytes;
    if (this.bufferedBytes <= FAULT_PROXY_LIMITS.bufferedBytesMax && this.source.isPaused()) this.source.resume();
  }

  /** Takes a chunk through `stages` in order, each met as it is now, then to the sink. */
  private async pass(chunk: Chunk, stages: readonly Stage[]): Promise<void> {
    const [next, ...rest] = stages;
    if (this.link.closed) return;
    if (next === undefined) return this.write(chunk.data);
    const stage = this.link.stage(next.toxic.name);
    if (stage === undefined) return this.pass(chunk, rest);
    const { toxic, run } = stage;
    switch (toxic.type) {
      case 'latency':
        return this.pass(await this.delay(chunk, toxic, run), rest);
      case 'bandwidth':
        return this.throttle(chunk, toxic, run, rest);
      case 'slicer':
        return this.slice(chunk, toxic, run, rest);
      case 'limit_data':
        return this.limit(chunk, toxic, rest);
      case 'timeout':
        // Dropped; the timer starts over, as toxiproxy's does on every chunk.
        return this.link.restartTimeout(run, toxic.attributes.timeout);
      case 'reset_peer':
        // Dropped, like every chunk after it.
        return this.resetAfter(toxic.attributes.timeout);
      case 'slow_close':
        return this.pass(chunk, rest);
    }
  }

  /**
   * latency ± jitter (whole ms, as toxiproxy draws it), counted from when the chunk was read: a
   * chunk queued behind another is not delayed twice, so latency never turns into a rate limit.
   * Interrupted, it lets the chunk go without the rest of its delay.
   */
  private async delay(chunk: Chunk, { attributes: { latency, jitter } }: ToxicOfType<'latency'>, run: ToxicRun): Promise<Chunk> {
    const delayMs = latency + (jitter > 0 ? Math.floor(Math.random() * 2 * jitter) - jitter : 0);
    const due = chunk.at + delayMs;
    const wait = due - performance.now();
    if (wait > 0 && (await this.waitInRun(wait, run))) return chunk;
    return { data: chunk.data, at: due };
  }

  /**
   * Paces the bytes at `rate` bytes per ms, carrying what the timers overslept over to the next
   * chunk; rate 0 holds the data until the toxic changes, as toxiproxy's does. Interrupted, it
   * lets the rest of the chunk go at once.
   */
  private async throttle(chunk: Chunk, toxic: ToxicOfType<'bandwidth'>, run: ToxicRun, rest: readonly Stage[]): Promise<void> {
    const { rate } = toxic.attributes;
    if (rate <= 0) {
      await untilEnded(run);
      return this.pass(chunk, rest);
    }
    run.bandwidthDebtMs += chunk.data.length / rate;
    const sliceBytes = Math.max(1, Math.floor(rate * BANDWIDTH_SLICE_MS));
    let data = chunk.data;
    while (data.length > sliceBytes) {
      if (await this.waitInRun(BANDWIDTH_SLICE_MS, run)) return this.pass({ data, at: chunk.at }, rest);
      await this.pass({ data: data.subarray(0, sliceBytes), at: chunk.at }, rest);
      data = data.subarray(sliceBytes);
      run.bandwidthDebtMs -= BANDWIDTH_SLICE_MS;
    }
    const startedAt = performance.now();
    if (run.bandwidthDebtMs > 0) await this.waitInRun(run.bandwidthDebtMs, run);
    run.bandwidthDebtMs -= performance.now() - startedAt;
    return this.pass({ data, at: chunk.at }, rest);
  }

  /**
   * Passes the slicer's pieces on one by one, each followed by its delay (in microseconds, as
   * toxiproxy has it). Interrupted, it lets the rest of the chunk go in one piece.
   */
  private async slice(chunk: Chunk, { attributes }: ToxicOfType<'slicer'>, run: ToxicRun, rest: readonly Stage[]): Promise<void> {
    let start = 0;
    for (const end of slicerPieceEnds(chunk.data.length, attributes.average_size, attributes.size_variation)) {
      if (this.link.closed) return;
      await this.pass({ data: chunk.data.subarray(start, end), at: chunk.at }, rest);
      start = end;
      if (attributes.delay > 0 && (await this.waitInRun(attributes.delay / MICROSECONDS_PER_MS, run))) {
        return this.pass({ data: chunk.data.subarray(start), at: chunk.at }, rest);
      }
    }
  }

  /** Lets through what stays under the limit, counted from when the toxic was added; reaching it ends the stream there. */
  private async limit(chunk: Chunk, toxic: ToxicOfType<'limit_data'>, rest: readonly Stage[]): Promise<void> {
    const data = chunk.data.subarray(0, Math.max(0, toxic.attributes.bytes - this.link.limited(toxic.name)));
    if (data.length > 0) {
      this.link.addLimited(toxic.name, data.length);
      await this.pass({ data, at: chunk.at }, rest);
    }
    if (this.link.limited(toxic.name) >= toxic.attributes.bytes) await this.end(rest);
  }

  /** reset_peer's first chunk (or the end of the stream) closes the link `timeoutMs` later; until then nothing more passes. */
  private async resetAfter(timeoutMs: number): Promise<void> {
    this.link.triggerReset(timeoutMs);
    while (!this.link.closed) await this.link.nextChange();
  }

  /** Sleeps `ms` unless the toxic's run ends first (or the link closes); true when it did. */
  private async waitInRun(ms: number, run: ToxicRun): Promise<boolean> {
    if (run.ended.aborted) return true;
    try {
      await sleep(ms, undefined, { signal: run.ended });
      return false;
    } catch {
      // The only rejection is the abort: the run ended.
      return true;
    }
  }

  private write(data: Buffer): void {
    if (this.link.closed || this.ended || data.length === 0) return;
    this.sink.write(data);
  }

  /** The end of the stream goes through `stages` as data does (slow_close holds it back, reset_peer takes it as its first chunk), then closes the sink. */
  private async end(stages: readonly Stage[]): Promise<void> {
    for (const next of stages) {
      const stage = this.link.stage(next.toxic.name);
      if (this.link.closed) return;
      if (stage === undefined) continue;
      const { toxic, run } = stage;
      // Interrupted, toxiproxy's slow_close lets the end through at once.
      if (toxic.type === 'slow_close') await this.waitInRun(toxic.attributes.delay, run);
      if (toxic.type === 'reset_peer') return this.resetAfter(toxic.attributes.timeout);
    }
    this.closeSink();
  }

  /** Closes the sink both ways once what was written has gone; then the other direction, whose source it was, finishes. */
  private closeSink(): void {
    if (this.link.closed || this.ended) return;
    this.ended = true;
    const close = (): void => {
      this.link.closeSocket(this.sink);
      this.sinkClosed();
    };
    if (this.sink.destroyed) close();
    // Node turns a reset asked for from within a write's callback into a FIN: ask on the next turn.
    else if (this.link.resetsOnClose) this.sink.write(Buffer.alloc(0), () => setImmediate(close));
    else this.sink.end(close);
  }
}

function untilEnded(run: ToxicRun): Promise<void> {
  if (run.ended.aborted) return Promise.resolve();
  return new Promise((resolve) => run.ended.addEventListener('abort', () => resolve(), { once: true }));
}
