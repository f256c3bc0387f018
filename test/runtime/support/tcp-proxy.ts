import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  frozen: boolean;
  // Where the upstream → client stream stands within its frames.
  header: number[];
  bodyRemaining: number;
}

const PREFIX_BYTES = 4;
/** How much of a frame's body a mid-frame cut lets through: less than any frame's body. */
const CUT_BODY_BYTES = 10;

/**
 * A loopback TCP proxy in front of a primary, to break links the way networks do: cut a stream
 * in the middle of a frame, freeze a link (nothing passes, nothing is closed: a half-open link), or
 * hold it (nothing passes until released, then everything does: a slow or paused peer).
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private cutArmed = false;
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  /** The next primary → secondary bytes stop in the middle of a frame, then both sides are cut. */
  cutMidFrame(): void {
    this.cutArmed = true;
  }

  get cutDone(): boolean {
    return !this.cutArmed;
  }

  /** Every current link stops carrying bytes but stays open; new links work. */
  freeze(): void {
    for (const pair of this.pairs) pair.frozen = true;
  }

  /** Every current link stops reading: bytes wait in the sockets' buffers, nothing is closed or lost. */
  hold(): void {
    for (const pair of this.pairs) for (const socket of [pair.client, pair.upstream]) socket.pause();
  }

  /** Held links deliver what waited, then flow again. */
  release(): void {
    for (const pair of this.pairs) for (const socket of [pair.client, pair.upstream]) socket.resume();
  }

  /** Every current link is reset (RST) both ways, as a middlebox or a crashed host would. */
  reset(): void {
    for (const pair of this.pairs) for (const socket of [pair.client, pair.upstream]) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) destroy(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    this.accepted += 1;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const pair: Pair = { client, upstream, frozen: false, header: [], bodyRemaining: 0 };
    this.pairs.add(pair);
    client.on('data', (bytes: Buffer) => {
      if (!pair.frozen) upstream.write(bytes);
    });
    upstream.on('data', (bytes: Buffer) => this.downstream(pair, bytes));
    for (const socket of [client, upstream]) {
      socket.on('error', () => destroy(pair));
      socket.on('close', () => {
        destroy(pair);
        this.pairs.delete(pair);
      });
    }
  }

  private downstream(pair: Pair, bytes: Buffer): void {
    if (pair.frozen) return;
    const starts = frameStarts(pair, bytes);
    const cutAt = this.cutArmed ? starts.find((start) => start + PREFIX_BYTES + CUT_BODY_BYTES <= bytes.length) : undefined;
    if (cutAt === undefined) {
      pair.client.write(bytes);
      return;
    }
    this.cutArmed = false;
    pair.client.write(bytes.subarray(0, cutAt + PREFIX_BYTES + CUT_BODY_BYTES), () => destroy(pair));
  }
}

/** The offsets in `bytes` where a frame begins, following the stream across chunks. */
function frameStarts(pair: Pair, bytes: Buffer): number[] {
  const starts: number[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (pair.bodyRemaining > 0) {
      const taken = Math.min(pair.bodyRemaining, bytes.length - offset);
      pair.bodyRemaining -= taken;
      offset += taken;
      continue;
    }
    if (pair.header.length === 0) starts.push(offset);
    pair.header.push(bytes[offset] ?? 0);
    offset += 1;
    if (pair.header.length === PREFIX_BYTES) {
      pair.bodyRemaining = Buffer.from(pair.header).readUInt32BE(0);
      pair.header = [];
    }
  }
  return starts;
}

function destroy(pair: Pair): void {
  pair.client.destroy();
  pair.upstream.destroy();
}
