/**
 * A real redis-server child process on a free loopback port, for the Redis tests and the
 * benchmark; no test framework here, so that plain scripts can start one too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
/** How long the server may take to answer PING after it is spawned. */
const START_TIMEOUT_MS = 10_000;
const PING_RETRY_DELAY_MS = 20;
/** How long one PING may go unanswered before it counts as no answer (a proxy that accepted and never forwarded). */
const PING_TIMEOUT_MS = 1_000;
/** How long the server may take to exit after SIGTERM, before SIGKILL. */
const STOP_TIMEOUT_MS = 5_000;

export interface RedisServerOptions {
  /** Log every write (appendonly yes) and fsync it before replying (appendfsync always). */
  readonly appendFsyncAlways?: boolean;
  /** More configuration, as `redis-server` arguments (`--replicaof HOST PORT`). */
  readonly extraArgs?: readonly string[];
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** The running process's id (it changes on restart). */
  pid(): number;
  /** SIGTERM, SIGKILL after STOP_TIMEOUT_MS, then its directory removed. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: its directory and port are kept for restart(). */
  kill(): Promise<void>;
  /**
   * A new server on the same directory and port (the old one SIGKILLed first, if it still runs),
   * once it answers PING: it has loaded what the last one persisted.
   */
  restart(): Promise<void>;
  /** restart() on an emptied directory: a server that comes back without its data (persistence off, a new container). */
  restartEmpty(): Promise<void>;
  /** SIGSTOP: the server neither answers nor closes its connections, as under `docker pause`. */
  pause(): void;
  /** SIGCONT after pause(). */
  unpause(): void;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-redis-'));
  const port = await freePort();
  const persistence = options.appendFsyncAlways === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--save', '', ...persistence, '--bind', HOST, '--port', String(port), '--dir', dir, ...(options.extraArgs ?? [])];
  let child = await spawnServer(args, port).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  return {
    url: `redis://${HOST}:${port}`,
    port,
    pid: () => child.pid ?? 0,
    stop,
    kill: () => killChild(child),
    restart: async () => {
      await killChild(child);
      child = await spawnServer(args, port);
    },
    restartEmpty: async () => {
      await killChild(child);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      child = await spawnServer(args, port);
    },
    pause: () => child.kill('SIGSTOP'),
    unpause: () => child.kill('SIGCONT'),
  };
}

/** A redis-server answering PING on `port`; when it does not, it is stopped and the error says why. */
async function spawnServer(args: readonly string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPing(port, child);
  } catch (error) {
    await stopChild(child);
    throw new Error(`redis-server did not start: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return child;
}

/** A port nothing listens on: the kernel picks one for a throwaway listener. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, HOST, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from a listener on port 0');
  return address.port;
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await pings(port))) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`no PONG within ${START_TIMEOUT_MS} ms`);
    await sleep(PING_RETRY_DELAY_MS);
  }
}

/**
 * Whether a Redis server on loopback `port` answers PING. A connection closed or silent without
 * an answer is a no: Docker's port proxy accepts while the container's Redis is not up yet.
 */
export function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    let reply = '';
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.setTimeout(PING_TIMEOUT_MS, () => finish(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killLater = new AbortController();
  child.kill('SIGTERM');
  sleep(STOP_TIMEOUT_MS, undefined, { signal: killLater.signal }).then(() => child.kill('SIGKILL'), () => undefined);
  await exited;
  killLater.abort();
}

/** Resolves once the process has exited: its port is free and its files are no longer written. */
async function killChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
