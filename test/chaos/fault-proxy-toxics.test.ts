/**
 * Each toxic's timing and connection effects pinned to what toxiproxy 2.x does (toxics/*.go and
 * link.go in Shopify/toxiproxy), through toxiproxy-node-client over loopback sockets. Timing bounds
 * are generous, for a busy machine, but each still tells toxiproxy's behaviour from the stand-in's old one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FaultProxyServer } from '../../chaos/fault-proxy/api-server.js';
import { chunkEnds, collect, connectAndCollect, connectAndWatch, patternBytes, startQueuedUpstream } from './support/sockets.js';

const PAYLOAD = patternBytes(4096);

describe('fault proxy toxics, as toxiproxy does them', () => {
  let server: FaultProxyServer;
  let upstream: Awaited<ReturnType<typeof startQueuedUpstream>>;
  let client: Toxiproxy;
  let proxy: Proxy;

  beforeAll(async () => {
    server = await FaultProxyServer.start();
    client = new Toxiproxy(server.url);
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await proxy.remove();
    await upstream.close();
  });

  async function createProxy(): Promise<Proxy> {
    upstream = await startQueuedUpstream();
    proxy = await client.createProxy({ name: 'toxics-under-test', listen: '127.0.0.1:0', upstream: upstream.address });
    return proxy;
  }

  it('latency delays each chunk by about its latency from when it arrived: eight writes 10 ms apart do not pile up', async () => {
    const LATENCY_MS = 100;
    const WRITES = 8;
    const WRITE_BYTES = 16;
    const created = await createProxy();
    await created.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: LATENCY_MS, jitter: 0 } });
    const watched = connectAndWatch(created.listen);
    const source = await upstream.nextConnection();
    const sentAt: number[] = [];
    for (let write = 0; write < WRITES; write++) {
      sentAt.push(performance.now());
      source.write(Buffer.alloc(WRITE_BYTES, write));
      await sleep(10);
    }
    while (watched.arrivals.reduce((sum, { bytes }) => sum + bytes.length, 0) < WRITES * WRITE_BYTES) await sleep(10);
    const lastByteAt = (write: number): number => {
      let offset = 0;
      for (const { at, bytes } of watched.arrivals) {
        offset += bytes.length;
        if (offset >= (write + 1) * WRITE_BYTES) return at;
      }
      throw new Error(`write ${write} never arrived`);
    };
    for (let write = 0; write < WRITES; write++) {
      const delay = lastByteAt(write) - (sentAt[write] ?? 0);
      expect(delay, `write ${write}`).toBeGreaterThanOrEqual(0.8 * LATENCY_MS);
      expect(delay, `write ${write}`).toBeLessThan(3 * LATENCY_MS);
    }
    watched.socket.destroy();
  });

  it('removing a latency toxic lets the chunk it holds go at once, as toxiproxy interrupts it', async () => {
    const LATENCY_MS = 5000;
    const created = await createProxy();
    const latency = await created.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: LATENCY_MS, jitter: 0 } });
    const watched = connectAndWatch(created.listen);
    const sentAt = performance.now();
    (await upstream.nextConnection()).write(PAYLOAD);
    await sleep(100);
    await latency.remove();
    while (watched.arrivals.length === 0 && performance.now() - sentAt < LATENCY_MS / 2) await sleep(10);
    expect(watched.arrivals.length).toBeGreaterThan(0);
    watched.socket.destroy();
  });

  it('a chunk on its way meets the toxics after it as they are when it gets there', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 0 } });
    const limit = await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 1000 } });
    const receiving = connectAndCollect(created.listen);
    (await upstream.nextConnection()).end(PAYLOAD);
    await sleep(100);
    await limit.update({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
    expect((await receiving).bytes.equals(PAYLOAD.subarray(0, 10))).toBe(true);
  });

  it('a reset from one side still lets what was read from it reach the other side', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'latency', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 200, jitter: 0 } });
    const watched = connectAndWatch(created.listen);
    const arriving = collect(await upstream.nextConnection());
    watched.socket.write('sent before the reset');
    await sleep(50);
    watched.socket.resetAndDestroy();
    expect((await arriving).bytes.toString()).toBe('sent before the reset');
  });

  it('timeout 0 drops the data, and removing the toxic closes the connection', async () => {
    const created = await createProxy();
    const timeout = await created.addToxic({ name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    const watched = connectAndWatch(created.listen);
    (await upstream.nextConnection()).write(PAYLOAD);
    await sleep(100);
    expect(watched.closed).toBeNull();
    await timeout.remove();
    await Promise.race([watched.ended, sleep(2000)]);
    expect(watched.closed).not.toBeNull();
    expect(watched.arrivals).toEqual([]);
  });

  it('timeout N closes N ms after the last chunk that reached it, not N ms after the start', async () => {
    const TIMEOUT_MS = 500;
    const created = await createProxy();
    await created.addToxic({ name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: TIMEOUT_MS } });
    const watched = connectAndWatch(created.listen);
    const source = await upstream.nextConnection();
    let lastSentAt = 0;
    // Twice the timeout's worth of chunks, 50 ms apart: each one restarts the timer.
    for (let chunk = 0; chunk < 20 && watched.closed === null; chunk++) {
      source.write(Buffer.from([chunk]));
      lastSentAt = performance.now();
      await sleep(50);
    }
    const { at } = await watched.ended;
    expect(at - lastSentAt).toBeGreaterThanOrEqual(0.8 * TIMEOUT_MS);
    expect(watched.arrivals).toEqual([]);
  });

  it('removing a timeout closes the connections it was on, even one its toxicity spared', async () => {
    const created = await createProxy();
    const timeout = await created.addToxic({ name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 0, attributes: { timeout: 0 } });
    const watched = connectAndWatch(created.listen);
    (await upstream.nextConnection()).write(PAYLOAD);
    while (watched.arrivals.length === 0) await sleep(10);
    await timeout.remove();
    await Promise.race([watched.ended, sleep(2000)]);
    expect(watched.closed).not.toBeNull();
  });

  it('reset_peer spares idle connections and traffic the other way, and resets both sockets timeout ms after the first chunk its way', async () => {
    const TIMEOUT_MS = 200;
    const created = await createProxy();
    await created.addToxic({ name: 'reset', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: TIMEOUT_MS } });
    const watched = connectAndWatch(created.listen);
    const source = await upstream.nextConnection();
    const upstreamSide = collect(source);
    watched.socket.write('upstream bytes pass');
    await sleep(2 * TIMEOUT_MS);
    expect(watched.closed).toBeNull();
    const sentAt = performance.now();
    source.write(PAYLOAD);
    const { at, errorCode } = await watched.ended;
    expect(errorCode).toBe('ECONNRESET');
    expect(at - sentAt).toBeGreaterThanOrEqual(0.8 * TIMEOUT_MS);
    expect(watched.arrivals).toEqual([]);
    const upstreamReceived = await upstreamSide;
    expect(upstreamReceived.bytes.toString()).toBe('upstream bytes pass');
    expect(upstreamReceived.errorCode).toBe('ECONNRESET');
  });

  it('reset_peer added to an open connection closes it with a FIN, not a reset', async () => {
    const created = await createProxy();
    const watched = connectAndWatch(created.listen);
    const source = await upstream.nextConnection();
    const upstreamSide = collect(source);
    await created.addToxic({ name: 'reset', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    await sleep(50);
    expect(watched.closed).toBeNull();
    source.write(PAYLOAD);
    expect((await watched.ended).errorCode).toBeNull();
    expect(watched.arrivals).toEqual([]);
    expect((await upstreamSide).errorCode).toBeNull();
  });

  it('every close of a connection accepted while a reset_peer existed is a reset, even one that reset_peer never applied to', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'never', type: 'reset_peer', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } });
    await created.addToxic({ name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 100 } });
    const watched = connectAndWatch(created.listen);
    await upstream.nextConnection();
    expect((await watched.ended).errorCode).toBe('ECONNRESET');
  });

  it('limit_data counts the bytes from when the toxic came, not from the start of the connection', async () => {
    const created = await createProxy();
    const watched = connectAndWatch(created.listen);
    const source = await upstream.nextConnection();
    source.write(PAYLOAD.subarray(0, 50));
    while (watched.arrivals.length === 0) await sleep(10);
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
    source.write(PAYLOAD.subarray(50));
    await watched.ended;
    expect(Buffer.concat(watched.arrivals.map(({ bytes }) => bytes)).equals(PAYLOAD.subarray(0, 60))).toBe(true);
  });

  it('bandwidth counts a KB as 1000 bytes and sends what is over 100 ms worth in 100 ms slices', async () => {
    const RATE_KB_PER_S = 10;
    const created = await createProxy();
    await created.addToxic({ name: 'bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: RATE_KB_PER_S } });
    const startedAt = performance.now();
    const watched = connectAndWatch(created.listen);
    (await upstream.nextConnection()).end(PAYLOAD);
    const { at } = await watched.ended;
    const chunks = watched.arrivals.map(({ bytes }) => bytes);
    expect(Buffer.concat(chunks).equals(PAYLOAD)).toBe(true);
    // 1000 bytes per 100 ms slice, then the 96 left over: reads may group slices, never split them.
    expect(chunkEnds(chunks).every((end) => [1000, 2000, 3000, 4000, 4096].includes(end))).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(at - startedAt).toBeGreaterThanOrEqual(0.8 * ((PAYLOAD.length / (RATE_KB_PER_S * 1000)) * 1000));
  });

  it('removing a bandwidth toxic lets the rest of the chunk it paces go at once', async () => {
    const created = await createProxy();
    // 100 bytes per 100 ms: four seconds for the payload.
    const bandwidth = await created.addToxic({ name: 'bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 1 } });
    const watched = connectAndWatch(created.listen);
    const sentAt = performance.now();
    (await upstream.nextConnection()).end(PAYLOAD);
    await sleep(250);
    await bandwidth.remove();
    await Promise.race([watched.ended, sleep(2000)]);
    expect(watched.closed?.at ?? Infinity).toBeLessThan(sentAt + 2000);
    expect(Buffer.concat(watched.arrivals.map(({ bytes }) => bytes)).equals(PAYLOAD)).toBe(true);
  });

  it('bandwidth 0 holds the data until the toxic is removed', async () => {
    const created = await createProxy();
    const bandwidth = await created.addToxic({ name: 'bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 0 } });
    const watched = connectAndWatch(created.listen);
    (await upstream.nextConnection()).end(PAYLOAD);
    await sleep(200);
    expect(watched.arrivals).toEqual([]);
    await bandwidth.remove();
    await watched.ended;
    expect(Buffer.concat(watched.arrivals.map(({ bytes }) => bytes)).equals(PAYLOAD)).toBe(true);
  });

  it('slicer cuts a chunk in halves, recursively, until a piece is within average_size ± size_variation', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'slicer', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 16, size_variation: 0, delay: 20_000 } });
    const watched = connectAndWatch(created.listen);
    (await upstream.nextConnection()).end(PAYLOAD.subarray(0, 100));
    await watched.ended;
    const chunks = watched.arrivals.map(({ bytes }) => bytes);
    expect(Buffer.concat(chunks).equals(PAYLOAD.subarray(0, 100))).toBe(true);
    // 100 → 50 + 50 → 25 + 25 … → 12 + 13: no 16-byte pieces and no 4-byte leftover.
    expect(chunkEnds(chunks).every((end) => [12, 25, 37, 50, 62, 75, 87, 100].includes(end))).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
  });

  it('toxicity is rolled again when the toxic is updated, on open connections too', async () => {
    const created = await createProxy();
    const limit = await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 0, attributes: { bytes: 10 } });
    const receiving = connectAndCollect(created.listen);
    const source = await upstream.nextConnection();
    await limit.update({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
    source.end(PAYLOAD);
    expect((await receiving).bytes.equals(PAYLOAD.subarray(0, 10))).toBe(true);
  });

  // Math.random is the stand-in's toxicity roll: above 0.5 a toxicity-0.5 toxic is spared, below it applies.
  it('toxicity is rolled again for the toxic before one added in the same direction, not for one the other way', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 0.5, attributes: { bytes: 10 } });
    const roll = vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const receiving = connectAndCollect(created.listen);
    const source = await upstream.nextConnection();
    roll.mockReturnValue(0.1);
    await created.addToxic({ name: 'other-way', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } });
    source.write(PAYLOAD.subarray(0, 20));
    await sleep(50);
    await created.addToxic({ name: 'after', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } });
    source.end(PAYLOAD.subarray(20));
    expect((await receiving).bytes.equals(PAYLOAD.subarray(0, 30))).toBe(true);
  });

  it('toxicity is rolled again for the toxic before one removed in the same direction', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 0.5, attributes: { bytes: 10 } });
    const after = await created.addToxic({ name: 'after', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } });
    const roll = vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const receiving = connectAndCollect(created.listen);
    const source = await upstream.nextConnection();
    roll.mockReturnValue(0.1);
    await after.remove();
    source.end(PAYLOAD);
    expect((await receiving).bytes.equals(PAYLOAD.subarray(0, 10))).toBe(true);
  });
});
