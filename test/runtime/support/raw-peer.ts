import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder } from '../../../src/core/codec/index.js';
import type { Frame } from '../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';

/** A hand-driven socket: sends what a test says and records what comes back until it closes. */
export interface RawPeer {
  readonly socket: Socket;
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>;
  received(): Buffer;
  /** The complete frames received so far. */
  frames(): Frame[];
}

/** `localAddress`: another loopback address (127.0.0.2, ...) to connect from, as another host would. */
export async function rawConnect(port: number, localAddress?: string): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return rawPeer(socket);
}

export function rawPeer(socket: Socket): RawPeer {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined); // a reset is one of the outcomes under test
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    closed,
    received: () => Buffer.concat(chunks),
    frames: () => decodeAll(Buffer.concat(chunks)),
  };
}

function decodeAll(bytes: Uint8Array): Frame[] {
  const decoder = new FrameDecoder(DEFAULT_LIMITS);
  decoder.push(bytes);
  const frames: Frame[] = [];
  for (let decoded = decoder.next(); decoded !== undefined; decoded = decoder.next()) frames.push(decoded.frame);
  return frames;
}

/** A fake primary on an ephemeral loopback port: `serve` decides what each connection gets. */
export async function fakePrimary(serve: (peer: RawPeer) => void): Promise<{ server: Server; port: number; peers: RawPeer[] }> {
  const peers: RawPeer[] = [];
  const server = createServer((socket) => {
    const peer = rawPeer(socket);
    peers.push(peer);
    serve(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, peers };
}

export async function closeServer(server: Server, peers: readonly RawPeer[]): Promise<void> {
  for (const peer of peers) peer.socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A 4-byte big-endian length prefix. */
export function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return prefix;
}
