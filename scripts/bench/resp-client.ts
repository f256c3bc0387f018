/**
 * A minimal pipelining Redis client for the benchmark: commands are written as they come and
 * replies matched in order, with no per-command objects beyond a callback, so that the client is
 * not what limits Redis' figures.
 */
import { connect, type Socket } from 'node:net';

export type Reply = string | number | Buffer | null;
type Callback = (reply: Reply | Error) => void;

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: readonly (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

export class RespClient {
  private readonly callbacks: Callback[] = [];
  private head = 0;
  private pending: Buffer = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.failAll(error));
    socket.on('close', () => this.failAll(new Error('the Redis connection closed')));
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespClient(socket));
      });
    });
  }

  /** Sends already encoded commands (`count` of them); `onReply` gets each reply in order. */
  sendEncoded(encoded: Buffer, count: number, onReply: Callback): void {
    for (let i = 0; i < count; i += 1) this.callbacks.push(onReply);
    this.socket.write(encoded);
  }

  call(...args: (string | Uint8Array)[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.sendEncoded(encodeCommand(args), 1, (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)));
    });
  }

  async info(section: string): Promise<Map<string, string>> {
    const text = String(await this.call('INFO', section));
    return new Map(text.split('\r\n').flatMap((line) => (line.includes(':') ? [line.split(':', 2) as [string, string]] : [])));
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parseReply(this.pending, offset);
      if (parsed === null) break;
      offset = parsed.end;
      const callback = this.callbacks[this.head++];
      if (callback === undefined) throw new Error('a Redis reply that no command asked for');
      callback(parsed.reply);
    }
    this.pending = this.pending.subarray(offset);
    if (this.head > 65_536) {
      this.callbacks.splice(0, this.head);
      this.head = 0;
    }
  }

  private failAll(error: Error): void {
    const waiting = this.callbacks.slice(this.head);
    this.callbacks.length = 0;
    this.head = 0;
    for (const callback of waiting) callback(error);
  }
}

/** One reply from `offset`, or null when the buffer does not hold all of it yet. Arrays are not needed here. */
function parseReply(buffer: Buffer, offset: number): { reply: Reply | Error; end: number } | null {
  const lineEnd = buffer.indexOf(CRLF, offset);
  if (lineEnd < 0) return null;
  const line = buffer.toString('latin1', offset + 1, lineEnd);
  switch (buffer[offset]) {
    case 0x2b: // +
      return { reply: line, end: lineEnd + 2 };
    case 0x2d: // -
      return { reply: new Error(`Redis: ${line}`), end: lineEnd + 2 };
    case 0x3a: // :
      return { reply: Number(line), end: lineEnd + 2 };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { reply: null, end: lineEnd + 2 };
      const end = lineEnd + 2 + length + 2;
      return end > buffer.length ? null : { reply: buffer.subarray(lineEnd + 2, lineEnd + 2 + length), end };
    }
    default:
      throw new Error(`a Redis reply of a kind this client does not read: ${JSON.stringify(buffer.toString('latin1', offset, lineEnd))}`);
  }
}
