import { connect, createServer, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';

/** A loopback server that gives every connection to `onConnection`; the upstream behind a proxy under test. */
export async function startUpstream(onConnection: (socket: Socket) => void, allowHalfOpen = false): Promise<{ readonly address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen }, (socket) => {
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

/** A loopback upstream whose connections the test takes one by one, to write to them when it chooses. */
export async function startQueuedUpstream(): Promise<{ readonly address: string; nextConnection(): Promise<Socket>; close(): Promise<void> }> {
  const waiting: ((socket: Socket) => void)[] = [];
  const arrived: Socket[] = [];
  const upstream = await startUpstream((socket) => {
    const taker = waiting.shift();
    if (taker === undefined) arrived.push(socket);
    else taker(socket);
  });
  return {
    address: upstream.address,
    nextConnection: () => {
      const socket = arrived.shift();
      return socket === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(socket);
    },
    close: () => upstream.close(),
  };
}

/** What a client has seen so far, with the time (performance.now()) of each event. */
export interface Watched {
  readonly socket: Socket;
  readonly arrivals: readonly { readonly at: number; readonly bytes: Buffer }[];
  /** Set once the connection has ended, whichever way. */
  readonly closed: { readonly at: number; readonly errorCode: string | null } | null;
  /** Resolves when the connection has ended. */
  readonly ended: Promise<{ readonly at: number; readonly errorCode: string | null }>;
}

/** Connects to `address` and records when each chunk and the end arrive. */
export function connectAndWatch(address: string): Watched {
  const [host, port] = address.split(':');
  return watch(connect({ host, port: Number(port) }));
}

export function watch(socket: Socket): Watched {
  const arrivals: { at: number; bytes: Buffer }[] = [];
  let errorCode: string | null = null;
  const watched: { -readonly [K in keyof Watched]: Watched[K] } = {
    socket,
    arrivals,
    closed: null,
    ended: new Promise((resolve) =>
      socket.once('close', () => {
        watched.closed = { at: performance.now(), errorCode };
        resolve(watched.closed);
      }),
    ),
  };
  socket.on('data', (bytes: Buffer) => arrivals.push({ at: performance.now(), bytes }));
  socket.on('error', (error: NodeJS.ErrnoException) => (errorCode = error.code ?? error.message));
  return watched;
}

/** Byte offsets at which the received chunks end: where the stream was cut, however the reads grouped the pieces. */
export function chunkEnds(chunks: readonly Buffer[]): number[] {
  let offset = 0;
  return chunks.map((chunk) => (offset += chunk.length));
}
