/**
 * The stand-in toxiproxy, driven through toxiproxy-node-client (the client the scenarios use) over
 * real loopback sockets: each toxic's effect as a client of the proxy sees it.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Toxiproxy, ToxiproxyError, type Proxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxyServer } from '../../chaos/fault-proxy/api-server.js';
import { collect, connectAndCollect, connectAndWatch, patternBytes, startUpstream, type Received } from './support/sockets.js';

const PAYLOAD_BYTES = 4096;
const PAYLOAD = patternBytes(PAYLOAD_BYTES);

/** Answers each connection with PAYLOAD and a FIN. */
function sendPayload(socket: Socket): void {
  socket.end(PAYLOAD);
}

describe('fault proxy', () => {
  let server: FaultProxyServer;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let client: Toxiproxy;

  beforeAll(async () => {
    server = await FaultProxyServer.start();
    upstream = await startUpstream(sendPayload);
    client = new Toxiproxy(server.url);
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });
  afterEach(async () => {
    for (const left of Object.values(await client.getAll())) await left.remove();
  });

  async function createProxy(upstreamAddress = upstream.address): Promise<Proxy> {
    return client.createProxy({ name: 'under-test', listen: '127.0.0.1:0', upstream: upstreamAddress });
  }

  it('forwards bytes unchanged without toxics, and lists and gets the proxy', async () => {
    const created = await createProxy();
    expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD)).toBe(true);
    expect(Object.keys(await client.getAll())).toEqual(['under-test']);
    expect((await client.get('under-test')).upstream).toBe(upstream.address);
  });

  it('limit_data closes the connection after exactly that many bytes', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 100 } });
    const received = await connectAndCollect(created.listen);
    expect(received.bytes.equals(PAYLOAD.subarray(0, 100))).toBe(true);
  });

  it('reset_peer resets the connection once data flows its way', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'reset', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    expect((await connectAndCollect(created.listen)).errorCode).toBe('ECONNRESET');
  });

  it('slicer splits the stream into small pieces, in order', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'slice', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 16, size_variation: 8, delay: 500 } });
    const received = await connectAndCollect(created.listen);
    expect(received.bytes.equals(PAYLOAD)).toBe(true);
    expect(received.chunks.length).toBeGreaterThan(PAYLOAD_BYTES / 64);
  });

  it('latency with jitter, bandwidth and slow_close delay bytes but keep them whole and in order', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 5 } });
    await created.addToxic({ name: 'bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 1000 } });
    await created.addToxic({ name: 'slow', type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: 20 } });
    const received = await connectAndCollect(created.listen);
    expect(received.bytes.equals(PAYLOAD)).toBe(true);
    expect(received.errorCode).toBeNull();
  });

  it('timeout lets nothing through and closes the connection after its timeout', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 50 } });
    expect((await connectAndCollect(created.listen)).bytes.length).toBe(0);
  });

  it('a toxic with toxicity 0 never applies', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'never', type: 'limit_data', stream: 'downstream', toxicity: 0, attributes: { bytes: 1 } });
    expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('a FIN closes the connection both ways once it has passed, as toxiproxy closes the socket it ends', async () => {
    let upstreamSide: Promise<Received> | undefined;
    // Half-open: it would answer after the request's FIN if the proxy let it.
    const answerAfterFin = await startUpstream((socket) => {
      upstreamSide = collect(socket);
      socket.once('end', () => setTimeout(() => socket.end('late reply'), 50));
    }, true);
    try {
      const created = await createProxy(answerAfterFin.address);
      const watched = connectAndWatch(created.listen);
      watched.socket.end('request');
      await Promise.race([watched.ended, sleep(2000)]);
      expect(watched.closed).not.toBeNull();
      expect(watched.arrivals).toEqual([]);
      expect((await upstreamSide)?.bytes.toString()).toBe('request');
    } finally {
      await answerAfterFin.close();
    }
  });

  it('disabled, the proxy refuses connections; enabled again, it forwards on the same address', async () => {
    const created = await createProxy();
    const disabled = await created.update({ listen: created.listen, upstream: created.upstream, enabled: false });
    expect(disabled.enabled).toBe(false);
    expect((await connectAndCollect(created.listen)).errorCode).toBe('ECONNREFUSED');
    await created.update({ listen: created.listen, upstream: created.upstream, enabled: true });
    expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('/reset removes every toxic and enables every proxy', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 1 } });
    await created.update({ listen: created.listen, upstream: created.upstream, enabled: false });
    await client.reset();
    expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('an upstream toxic acts on the bytes the client sends', async () => {
    let arrived: Promise<Received> | undefined;
    const recorder = await startUpstream((socket) => (arrived = collect(socket)));
    try {
      const created = await createProxy(recorder.address);
      await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 10 } });
      await connectAndCollect(created.listen, PAYLOAD);
      expect((await arrived)?.bytes.equals(PAYLOAD.subarray(0, 10))).toBe(true);
    } finally {
      await recorder.close();
    }
  });

  it('refuses an unknown toxic type, a fractional attribute, a duplicate toxic name and an unknown proxy', async () => {
    const created = await createProxy();
    await expect(created.addToxic({ name: 'x', type: 'down' as 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } })).rejects.toThrow(ToxiproxyError);
    // toxiproxy's attributes are Go integers: 1.5 does not decode.
    await expect(created.addToxic({ name: 'x', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1.5, jitter: 0 } })).rejects.toThrow(/400/);
    await created.addToxic({ name: 'twice', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 1 } });
    await expect(created.addToxic({ name: 'twice', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 1 } })).rejects.toThrow(/409/);
    await expect(client.get('nobody')).rejects.toThrow(/404/);
  });

  it('PATCH /proxies/{name} updates the proxy, as toxiproxy prefers it to POST', async () => {
    const created = await createProxy();
    const response = await fetch(`${server.url}/proxies/under-test`, { method: 'PATCH', body: JSON.stringify({ enabled: false }) });
    expect(response.status).toBe(200);
    expect((await client.get('under-test')).enabled).toBe(false);
    expect((await connectAndCollect(created.listen)).errorCode).toBe('ECONNREFUSED');
  });

  it('PATCH /proxies/{name}/toxics/{toxic} updates the toxic', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 100 } });
    const response = await fetch(`${server.url}/proxies/under-test/toxics/limit`, { method: 'PATCH', body: JSON.stringify({ attributes: { bytes: 10 } }) });
    expect(response.status).toBe(200);
    expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD.subarray(0, 10))).toBe(true);
  });

  it('an update that changes the upstream closes the open connections, as toxiproxy restarts the proxy', async () => {
    const silent = await startUpstream(() => undefined);
    try {
      const created = await createProxy(silent.address);
      const watched = connectAndWatch(created.listen);
      await sleep(50);
      await created.update({ listen: created.listen, upstream: upstream.address, enabled: true });
      await Promise.race([watched.ended, sleep(2000)]);
      expect(watched.closed).not.toBeNull();
      expect((await connectAndCollect(created.listen)).bytes.equals(PAYLOAD)).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('POST /populate creates proxies, keeps unchanged ones with their toxics, and replaces changed ones', async () => {
    const created = await createProxy();
    await created.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
    const populated = await client.populate([
      { name: 'under-test', listen: created.listen, upstream: upstream.address },
      { name: 'populated', listen: '127.0.0.1:0', upstream: upstream.address },
    ]);
    expect(Object.keys(populated).sort()).toEqual(['populated', 'under-test']);
    expect((await connectAndCollect(created.listen)).bytes.length).toBe(10);
    expect((await connectAndCollect((await client.get('populated')).listen)).bytes.equals(PAYLOAD)).toBe(true);
    await client.populate([{ name: 'populated', listen: '127.0.0.1:0', upstream: created.listen }]);
    const replaced = await client.get('populated');
    expect(replaced.upstream).toBe(created.listen);
    expect((await connectAndCollect(replaced.listen)).bytes.length).toBe(10);
  });

  it('GET /version answers {"version": ...}, as toxiproxy 2.6 and later do', async () => {
    const version: unknown = JSON.parse(await client.getVersion());
    expect(version).toEqual({ version: expect.any(String) });
  });
});
