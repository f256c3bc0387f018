import { startRedisServer } from '../../harness/redis-process.js';

/** The Redis server the lab's nodes store on, whatever runs it. */
export interface RedisHandle {
  /** Which provider serves Redis, in words, for the log and the report. */
  readonly provider: string;
  /** host:port as a proxy on this host dials it. */
  readonly hostUpstream: string;
  /** host:port as a proxy in the lab's container network dials it; null when Redis is a host process. */
  readonly networkUpstream: string | null;
  /** SIGKILL, as a crash: its files are kept for restart(). */
  kill(): Promise<void>;
  /** A new server on the same files, once it answers PING. */
  restart(): Promise<void>;
  /**
   * SIGKILL, then a server without the old one's files (a new container: what a Redis without
   * persistence or volume comes back as), once it answers PING; it persists again from then on.
   */
  restartEmpty(): Promise<void>;
  /** Frozen (`docker pause`, SIGSTOP): connections stay open and nothing is answered. */
  pause(): Promise<void>;
  unpause(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server child process (appendonly, fsync always: a restart loads what it acknowledged). */
export async function startRedisProcess(): Promise<RedisHandle> {
  const server = await startRedisServer({ appendFsyncAlways: true });
  return {
    provider: 'process: redis-server on this host',
    hostUpstream: `127.0.0.1:${server.port}`,
    networkUpstream: null,
    kill: () => server.kill(),
    restart: () => server.restart(),
    restartEmpty: () => server.restartEmpty(),
    pause: async () => server.pause(),
    unpause: async () => server.unpause(),
    stop: () => server.stop(),
  };
}
