import { connect, createServer, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';

/** A loopback server that gives every connection to `onConnection`; the upstream behind a proxy under test. */
export async function startUpstream(onConnection: (socket: Socket) => void): Promise<{ readonly address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    address: `${HOST}:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Received {
  readonly chunks: readonly Buffer[];
  readonly bytes: Buffer;
  /** The error code that ended the connection (ECONNRESET...), or null for a clean end. */
  readonly errorCode: string | null;
}

/** Connects to `address` and collects everything until the connection ends, whichever way. */
export function connectAndCollect(address: string, send?: Buffer): Promise<Received> {
  const [host, port] = address.split(':');
  const socket = connect({ host, port: Number(port) });
  if (send !== undefined) socket.write(send);
  return collect(socket);
}

export function collect(socket: Socket): Promise<Received> {
  const chunks: Buffer[] = [];
  let errorCode: string | null = null;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (errorCode = error.code ?? error.message));
  return new Promise((resolve) => socket.once('close', () => resolve({ chunks, bytes: Buffer.concat(chunks), errorCode })));
}

/** `length` bytes that show their order: byte i is i mod 251 (a prime, so no chunk size aligns with it). */
export function patternBytes(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, index) => index % 251));
}
