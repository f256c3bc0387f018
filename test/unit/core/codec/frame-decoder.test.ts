import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { FrameDecoder } from '../../../../src/core/codec/frame-decoder.js';
import { ChecksumMismatchError, FrameTooLargeError, ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { CHUNKINGS, feed, withPrefix } from './feed.js';
import { concatBytes } from '../../../support/bytes.js';
import { survivors, watch } from '../../../support/collected.js';
import { sampleFrames, sampleSet } from './sample-frames.js';

const encode = (frame: Frame): Uint8Array => encodeFrame(frame, DEFAULT_LIMITS).bytes;
const concat = concatBytes;
const header = (length: number): Uint8Array => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, length, false);
  return bytes;
};
const allFrames = Object.values(sampleFrames);

/** Pushes `count` chunks of a frame each and decodes them all; a function of its own, so that no variable of the async test holds a chunk. */
function decodeChunks(decoder: FrameDecoder, count: number): WeakRef<object>[] {
  const chunks = Array.from({ length: count }, () => encode(sampleFrames.heartbeat));
  for (const chunk of chunks) decoder.push(chunk);
  while (decoder.next() !== undefined);
  return watch(chunks);
}
// Built inside each test: encoding at import would count every codec mutant as static under Stryker.
const everyKindStream = (): Uint8Array => concat(...allFrames.map(encode));

describe.each(CHUNKINGS)('FrameDecoder fed %s', (chunking) => {
  it('decodes consecutive frames of every kind in order, with their sizes and checksums', () => {
    const stream = everyKindStream();
    const { frames, error, decoder } = feed(stream, chunking);
    expect(error).toBeUndefined();
    expect(frames.map((decoded) => decoded.frame)).toEqual(allFrames);
    expect(frames.map((decoded) => decoded.frameBytes)).toEqual(allFrames.map((frame) => encode(frame).length));
    expect(frames.map((decoded) => decoded.checksum)).toEqual(allFrames.map((frame) => encodeFrame(frame, DEFAULT_LIMITS).checksum));
    expect(decoder.bytesConsumed).toBe(stream.length);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.next()).toBeUndefined();
  });

  it('returns undefined for a truncated frame and keeps its bytes', () => {
    const bytes = encode(sampleFrames.operation);
    for (const cut of [1, 3, 4, 5, bytes.length - 1]) {
      const { frames, error, decoder } = feed(bytes.subarray(0, cut), chunking);
      expect(error).toBeUndefined();
      expect(frames).toEqual([]);
      expect(decoder.bufferedBytes).toBe(cut);
      expect(decoder.bytesConsumed).toBe(0);
    }
  });

  it('delivers the frames before a truncated one', () => {
    const stream = everyKindStream();
    const { frames, error, decoder } = feed(stream.subarray(0, stream.length - 3), chunking);
    expect(error).toBeUndefined();
    expect(frames.map((decoded) => decoded.frame)).toEqual(allFrames.slice(0, -1));
    expect(decoder.bufferedBytes).toBe(encode(allFrames.at(-1)!).length - 3);
  });

  it('refuses a length prefix above frameBytesMax before buffering its body', () => {
    const limits = { ...DEFAULT_LIMITS, frameBytesMax: 1000 };
    const { frames, error, decoder } = feed(concat(header(1001), new Uint8Array(50)), chunking, limits);
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect((error as Error).message).toMatch('frame length 1001 exceeds frameBytesMax (1000)');
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('refuses the largest possible length prefix', () => {
    const { error } = feed(new Uint8Array([0xff, 0xff, 0xff, 0xff]), chunking);
    expect(error).toBeInstanceOf(FrameTooLargeError);
  });

  it('accepts a frame of exactly frameBytesMax', () => {
    const bytes = encode(sampleFrames.operation);
    const limits = { ...DEFAULT_LIMITS, frameBytesMax: bytes.length - 4 };
    const { frames, error } = feed(bytes, chunking, limits);
    expect(error).toBeUndefined();
    expect(frames.map((decoded) => decoded.frame)).toEqual([sampleFrames.operation]);
  });

  it('refuses a zero length prefix', () => {
    const { error } = feed(concat(header(0), encode(sampleFrames.hello)), chunking);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch('frame length is 0');
  });

  it('refuses garbage', () => {
    const text = feed(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), chunking);
    expect(text.error).toBeInstanceOf(FrameTooLargeError);
    const body = feed(withPrefix(new TextEncoder().encode('not json at all')), chunking);
    expect(body.error).toBeInstanceOf(ProtocolError);
    expect((body.error as Error).message).toMatch('not valid JSON');
  });

  it('refuses a frame whose checksum does not match, after the frames before it', () => {
    const bad = encode(sampleFrames.heartbeat);
    const text = new TextDecoder().decode(bad);
    const at = text.indexOf('"checksum":"') + 12;
    bad[at] = bad[at] === 0x30 ? 0x31 : 0x30;
    const { frames, error } = feed(concat(encode(sampleFrames.hello), bad, encode(sampleFrames.ack)), chunking);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(frames.map((decoded) => decoded.frame)).toEqual([sampleFrames.hello]);
  });

  it('stays failed after an error: push and next throw, nothing is skipped', () => {
    const { error, decoder } = feed(concat(withPrefix(new TextEncoder().encode('{}')), encode(sampleFrames.hello)), chunking);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(() => decoder.next()).toThrow(/failed earlier/);
    expect(() => decoder.push(encode(sampleFrames.hello))).toThrow(ProtocolError);
    expect(() => decoder.push(encode(sampleFrames.hello))).toThrow(/failed earlier/);
    expect(() => decoder.push(new Uint8Array(0))).toThrow(/failed earlier/);
  });
});

describe('FrameDecoder', () => {
  it('refuses an oversized length prefix split across pushes, before buffering anything', () => {
    const limits = { ...DEFAULT_LIMITS, frameBytesMax: 1000 };
    for (const split of [1, 2, 3]) {
      const decoder = new FrameDecoder(limits);
      const prefix = header(0x1234_5678);
      decoder.push(prefix.subarray(0, split));
      expect(decoder.bufferedBytes).toBe(split);
      expect(() => decoder.push(concat(prefix.subarray(split), new Uint8Array(100)))).toThrow(FrameTooLargeError);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('checks every length prefix as it arrives, even before next() is called', () => {
    const limits = { ...DEFAULT_LIMITS, frameBytesMax: 1000 };
    const decoder = new FrameDecoder(limits);
    decoder.push(encode(sampleFrames.hello));
    decoder.push(encode(sampleFrames.ack));
    expect(() => decoder.push(header(5000))).toThrow(FrameTooLargeError);
    expect(() => decoder.next()).toThrow(/failed earlier/);
  });

  it('decodes a frame pushed in empty, 1-byte and odd-sized chunks', () => {
    const bytes = encode(sampleFrames.batch);
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    decoder.push(new Uint8Array(0));
    let offset = 0;
    for (let size = 1; offset < bytes.length; size = (size * 7) % 13 + 1) {
      expect(decoder.next()).toBeUndefined();
      decoder.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    expect(decoder.next()?.frame).toEqual(sampleFrames.batch);
  });

  it('assembles a large frame from many small chunks', () => {
    const value = new Uint8Array(1024 * 1024).fill(7);
    const frame = { ...sampleFrames.operation, op: { ...sampleSet, value } } as Frame;
    const bytes = encode(frame);
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    for (let offset = 0; offset < bytes.length; offset += 16) decoder.push(bytes.subarray(offset, offset + 16));
    const decoded = decoder.next();
    expect(decoded?.frameBytes).toBe(bytes.length);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes every frame whatever offset a stream of them is split at, taking frames between the two pushes', () => {
    const frames = [sampleFrames.ack, sampleFrames.hello, sampleFrames.heartbeat];
    const stream = concat(...frames.map(encode));
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const decoder = new FrameDecoder(DEFAULT_LIMITS);
      const decoded: Frame[] = [];
      for (const chunk of [stream.subarray(0, cut), stream.subarray(cut)]) {
        decoder.push(chunk);
        for (let next = decoder.next(); next !== undefined; next = decoder.next()) decoded.push(next.frame);
      }
      expect(decoded, `cut at ${cut}`).toEqual(frames);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('counts the complete frames buffered, and holds none after a failure', () => {
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    decoder.push(concat(encode(sampleFrames.hello), encode(sampleFrames.ack)));
    expect(decoder.framesBuffered).toBe(2);
    decoder.next();
    expect(decoder.framesBuffered).toBe(1);
    expect(() => decoder.push(header(0))).toThrow(ProtocolError);
    expect(decoder.framesBuffered).toBe(0);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('drains many small frames pushed at once', () => {
    const one = encode(sampleFrames.heartbeat);
    const count = 20_000;
    const bytes = new Uint8Array(one.length * count);
    for (let index = 0; index < count; index += 1) bytes.set(one, index * one.length);
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    decoder.push(bytes);
    let decoded = 0;
    while (decoder.next() !== undefined) decoded += 1;
    expect(decoded).toBe(count);
    expect(decoder.bytesConsumed).toBe(bytes.length);
  });

  it('keeps no chunk whose frames it has returned', async () => {
    // A secondary's decoder during a snapshot: the socket's chunks stayed reachable after decoding, 150 MiB of them for a million keys.
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    const refs = decodeChunks(decoder, 20);
    expect(decoder.bufferedBytes).toBe(0);
    expect(await survivors(refs)).toBe(0);
  });
});
