import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type ConnectionOptions } from '../../../src/runtime/connection.js';

interface Pair {
  readonly ours: Socket;
  readonly theirs: Socket;
}

describe('Connection', () => {
  let server: Server | null = null;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
    server = null;
  });

  async function socketPair(): Promise<Pair> {
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server?.address();
    if (address === null || address === undefined || typeof address === 'string') throw new Error('no port');
    const ours = connect({ host: '127.0.0.1', port: address.port });
    await new Promise((resolve) => ours.once('connect', resolve));
    const theirs = await accepted;
    sockets.push(ours, theirs);
    return { ours, theirs };
  }

  function wrap(socket: Socket, options: Partial<ConnectionOptions> = {}, received: Uint8Array[] = []): Connection {
    return new Connection(
      socket,
      { pendingBytesMax: 64 * 1024 * 1024, closeFlushTimeoutMs: 5_000, established: true, ...options },
      { received: (bytes) => received.push(bytes), closed: () => undefined },
    );
  }

  function collect(socket: Socket): Promise<Buffer> {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    return new Promise((resolve) => socket.once('end', () => resolve(Buffer.concat(chunks))));
  }

  it('delivers every byte in order through back-pressure, then ends after flushing', async () => {
    const { ours, theirs } = await socketPair();
    const connection = wrap(ours);
    theirs.pause();
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(256 * 1024, i));
    for (const chunk of chunks) expect(connection.write(chunk)).toBe(true);
    expect(connection.pendingBytes).toBeGreaterThan(0);
    connection.end();
    const all = collect(theirs);
    theirs.resume();
    expect((await all).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('destroys the socket instead of holding more than its bound of unsent bytes', async () => {
    const { ours, theirs } = await socketPair();
    theirs.pause();
    const connection = wrap(ours, { pendingBytesMax: 8 * 1024 * 1024 });
    let accepted = 0;
    while (connection.write(Buffer.alloc(1024 * 1024))) accepted += 1;
    await connection.closed;
    expect(ours.destroyed).toBe(true);
    // What the kernel took is gone from the count; the rest never exceeded the bound.
    expect(accepted).toBeGreaterThanOrEqual(8);
    expect(connection.write(Buffer.alloc(1))).toBe(true);
  });

  it('destroys a socket that never finished connecting instead of waiting to flush', async () => {
    const { ours } = await socketPair();
    const connection = wrap(ours, { established: false });
    connection.end();
    await connection.closed;
    expect(ours.destroyed).toBe(true);
  });

  it('drops what the peer sends once closing: it costs neither memory nor work', async () => {
    const { ours, theirs } = await socketPair();
    const received: Uint8Array[] = [];
    const connection = wrap(ours, {}, received);
    theirs.write('before');
    await new Promise((resolve) => ours.once('data', resolve));
    connection.end();
    theirs.end('after');
    await connection.closed;
    expect(Buffer.concat(received).toString()).toBe('before');
  });

  it('destroys a closing socket whose peer never reads, after the flush timeout', async () => {
    const { ours, theirs } = await socketPair();
    theirs.pause();
    const connection = wrap(ours, { closeFlushTimeoutMs: 50 });
    for (let i = 0; i < 64; i += 1) connection.write(Buffer.alloc(1024 * 1024));
    connection.end();
    await connection.closed;
    expect(ours.destroyed).toBe(true);
  });
});
