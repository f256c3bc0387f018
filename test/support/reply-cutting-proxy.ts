/**
 * A loopback TCP proxy in front of a Redis server that loses one reply on command: the command
 * reaches Redis, which runs it and answers, and the proxy drops the answer and cuts both of that
 * client's connections. ioredis then reconnects (through the proxy) and sends the command again
 * (autoResendUnfulfilledCommands), so Redis runs it twice, as after a link that failed at that
 * moment.
 */
import { connect, createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';

export interface ReplyCuttingProxy {
  /** redis://… of the proxy, for the client under test. */
  readonly url: string;
  /**
   * Arms the cut: the first reply Redis sends after a client sent `command` (any command when
   * omitted) is lost and that client's connection closed. Resolves once it is, with the name of
   * the command cut (without `command`, the first the client sent, lower case).
   */
  cutReplyTo(command?: string): Promise<string>;
  close(): Promise<void>;
}

interface Armed {
  /** The name of the command to cut that a chunk holds, or null. */
  readonly sent: (chunk: Buffer) => string | null;
  readonly done: (command: string) => void;
  /** The client whose command was forwarded, once it was, and the command's name. */
  client: Socket | null;
  command: string;
}

export async function startReplyCuttingProxy(redisPort: number): Promise<ReplyCuttingProxy> {
  const sockets = new Set<Socket>();
  let armed: Armed | null = null;
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const server = createServer((client) => {
    track(client);
    const upstream = track(connect({ host: HOST, port: redisPort }));
    client.on('data', (chunk: Buffer) => {
      if (armed !== null && armed.client === null) {
        const command = armed.sent(chunk);
        if (command !== null) {
          armed.client = client;
          armed.command = command;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed === null || armed.client !== client) {
        client.write(chunk);
        return;
      }
      const { done, command } = armed;
      armed = null;
      client.destroy();
      upstream.destroy();
      done(command);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port from a listener on port 0');
  return {
    url: `redis://${HOST}:${address.port}`,
    cutReplyTo: (command) => {
      if (armed !== null) throw new Error('a cut is armed already');
      return new Promise((done) => {
        armed = { sent: command === undefined ? firstCommandOf : sendsCommand(command), done, client: null, command: '' };
      });
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `command` when a chunk a client sent holds it as a command's name (RESP: an array whose first bulk string it is). */
function sendsCommand(command: string): (chunk: Buffer) => string | null {
  const name = new RegExp(`\\*\\d+\\r\\n\\$${command.length}\\r\\n${command}\\r\\n`, 'i');
  return (chunk) => (name.test(chunk.toString('latin1')) ? command : null);
}

/** The name of the first command of a chunk a client sent. */
function firstCommandOf(chunk: Buffer): string | null {
  return /^\*\d+\r\n\$\d+\r\n([^\r]*)\r\n/.exec(chunk.toString('latin1'))?.[1]?.toLowerCase() ?? null;
}
