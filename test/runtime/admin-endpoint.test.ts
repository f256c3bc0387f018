import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mayWrite } from '../../src/runtime/admin-server.js';
import type { RuntimeLimits } from '../../src/runtime/limits.js';
import { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { set } from '../support/ops.js';
import { ValueCountingStorage } from '../support/value-counting-storage.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function ask(port: number, method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Everything a raw socket receives until the server closes it. */
function rawExchange(port: number, sent: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(sent));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** Counts the paths its listings hand over and the values it reads: what one request costs the storage. */
class CountingStorage extends ValueCountingStorage {
  pathsHandedOver = 0;

  override async list(prefix?: string, pathsMax?: number): Promise<string[]> {
    return this.counted(await super.list(prefix, pathsMax));
  }

  override async listTagged(tag: string, pathsMax?: number): Promise<string[]> {
    return this.counted(await super.listTagged(tag, pathsMax));
  }

  private counted(paths: string[]): string[] {
    this.pathsHandedOver += paths.length;
    return paths;
  }
}

describe('the admin endpoint', () => {
  const nodes: NetworkSyncBackend[] = [];
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.close();
  });

  async function primary(config: { adminToken?: string; adminWrites?: boolean; runtimeLimits?: Partial<RuntimeLimits> } = {}, baseBackend = new MemoryStorage()): Promise<number> {
    const node = await NetworkSyncBackend.create({ baseBackend, mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0, adminPort: 0, ...config } });
    nodes.push(node);
    return node.adminPort ?? 0;
  }

  it('answers HEAD as GET without the body, for health probes', async () => {
    const port = await primary();
    const get = await ask(port, 'GET', '/stats');
    const head = await ask(port, 'HEAD', '/stats');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect((await ask(port, 'HEAD', '/metrics')).status).toBe(200);
    expect((await ask(port, 'HEAD', '/data/missing')).status).toBe(404);
    expect((await ask(port, 'POST', '/stats')).headers.allow).toBe('GET, HEAD');
  });

  it('with a token, wants it on every request, and then takes writes from it', async () => {
    const port = await primary({ adminToken: 'open sesame', adminWrites: true });
    const wrong: Record<string, string>[] = [{}, { authorization: 'Bearer open sesam' }, { authorization: 'open sesame' }];
    for (const headers of wrong) {
      const refused = await ask(port, 'GET', '/stats', headers);
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer');
    }
    const token = { authorization: 'Bearer open sesame' };
    expect((await ask(port, 'GET', '/stats', token)).status).toBe(200);
    expect((await ask(port, 'PUT', `/data/${encodeURIComponent('a/b c')}?tag=t1`, token, 'value')).status).toBe(204);
    expect(await ask(port, 'GET', '/data/a%2Fb%20c', token)).toMatchObject({ status: 200, body: 'value' });
    expect(JSON.parse((await ask(port, 'GET', '/list?tag=t1', token)).body)).toEqual({ paths: ['a/b c'], truncated: false });
    expect((await ask(port, 'DELETE', '/data/a%2Fb%20c', token)).status).toBe(204);
    expect((await ask(port, 'GET', '/data/a%2Fb%20c', token)).status).toBe(404);
  });

  it('writes: only with the token or from loopback', () => {
    expect(mayWrite(null, '127.0.0.1')).toBe(true);
    expect(mayWrite(null, '::1')).toBe(true);
    expect(mayWrite(null, '::ffff:127.0.0.1')).toBe(true);
    expect(mayWrite(null, '10.0.0.7')).toBe(false);
    expect(mayWrite(null, '::ffff:10.0.0.7')).toBe(false);
    expect(mayWrite(null, undefined)).toBe(false);
    expect(mayWrite('token', '10.0.0.7')).toBe(true);
  });

  it('refuses bad writes with their reason: a bad ttl, a value over valueBytesMax, a bad path encoding', async () => {
    const port = await primary({ adminWrites: true });
    expect(await ask(port, 'PUT', '/data/k?ttl=-1', {}, 'v')).toMatchObject({ status: 400, body: "ttl wants a positive number of seconds, got '-1'\n" });
    expect((await ask(port, 'PUT', '/data/k', {}, 'x'.repeat(8 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await ask(port, 'GET', '/data/%E0%A4%A')).status).toBe(400);
    expect((await ask(port, 'GET', '/data/k')).status).toBe(404);
  });

  it('lists at most adminListPathsMax paths, and takes no more than that from the storage', async () => {
    const storage = new CountingStorage();
    const tags = ['t'];
    await storage.apply(Array.from({ length: 999 }, (_, index) => set(`k/${String(index + 1).padStart(4, '0')}`, 'v', { tags })), null);
    const port = await primary({ runtimeLimits: { adminListPathsMax: 10 } }, storage);
    // Expired and not yet deleted, as a secondary holds one until the primary's DELETE arrives
    // (written behind the primary's back): hidden, yet counted, so that expired entries cannot make a request read more.
    await storage.apply([set('k/0000', 'v', { tags, expiresAtMs: 1 })], null);
    const first = ['k/0001', 'k/0002', 'k/0003', 'k/0004', 'k/0005', 'k/0006', 'k/0007', 'k/0008', 'k/0009'];
    for (const query of ['prefix=k%2F', 'tag=t']) {
      storage.pathsHandedOver = 0;
      storage.valuesRead = 0;
      const answer = await ask(port, 'GET', `/list?${query}`);
      expect(storage.pathsHandedOver, query).toBe(11);
      // Whether a path is live is in its metadata: a file's or a Redis value's bytes are not read for it.
      expect(storage.valuesRead, query).toBe(0);
      expect(JSON.parse(answer.body), query).toEqual({ paths: first, truncated: true });
    }
    expect(JSON.parse((await ask(port, 'GET', '/list?prefix=k%2F099')).body)).toEqual({ paths: Array.from({ length: 10 }, (_, index) => `k/099${index}`), truncated: false });
  });

  it('caps its connections: past adminConnectionsMax a new one is closed unanswered', async () => {
    const port = await primary({ runtimeLimits: { adminConnectionsMax: 2 } });
    const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    // Each held connection is known to the server once it has answered on it (keep-alive keeps it open).
    const answered = held.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('data', () => resolve());
          socket.write('GET /stats HTTP/1.1\r\nhost: admin\r\n\r\n');
        }),
    );
    await Promise.all(answered);
    expect(await rawExchange(port, 'GET /stats HTTP/1.1\r\nhost: admin\r\n\r\n')).toBe('');
    for (const socket of held) socket.destroy();
  });

  it('closes a connection that does not finish its headers within adminHeadersTimeoutMs', async () => {
    const port = await primary({ runtimeLimits: { adminHeadersTimeoutMs: 200 } });
    expect(await rawExchange(port, 'GET /stats HTTP/1.1\r\nhost: adm')).toMatch(/^HTTP\/1\.1 408 /);
  });
});
