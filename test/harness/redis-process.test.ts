import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pings } from '../../harness/redis-process.js';

/** Every server-side socket, destroyed after each test so that its server can close. */
const sockets: Socket[] = [];

/** A listener on a free loopback port that does `onConnection` with each client. */
async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('pings', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('is true for +PONG', async () => {
    const { server, port } = await listen((socket) => socket.once('data', () => socket.write('+PONG\r\n')));
    servers.push(server);
    expect(await pings(port)).toBe(true);
  });

  // Docker's port proxy accepts while the container's Redis is not up, then closes: before, pings never settled.
  it('is false, not pending forever, when the connection is accepted and closed without an answer', async () => {
    const { server, port } = await listen((socket) => socket.end());
    servers.push(server);
    expect(await pings(port)).toBe(false);
  });

  it('is false when the connection is accepted and nothing ever answers', async () => {
    const { server, port } = await listen(() => undefined);
    servers.push(server);
    expect(await pings(port)).toBe(false);
  });
});
