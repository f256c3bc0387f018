import { randomUUID } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { StorageLostError } from '../../core/errors.js';
import { clearArea } from './scripts.js';
import { cursorKey } from './keys.js';

/** P:instance: a random token that open() sets when absent; a Redis that lost its data lost it too. */
export function instanceKey(prefix: string): string {
  return `${prefix}:instance`;
}

/** P:lost: why the prefix's data was found gone; while it exists nothing is served until a full resync commits. */
export function lostKey(prefix: string): string {
  return `${prefix}:lost`;
}

/**
 * Notices a Redis whose data vanished under a running node (restarted with persistence off, or
 * flushed), so that it is never served as if nothing had happened. Every batch reads the instance
 * token inside its MULTI, atomically with its writes; and after the connection closed (a restart
 * always closes it) every call checks the token before it starts and before it answers, since its
 * commands may have gone to the new server. Once lost, the prefix is cleared (the batch that found
 * the loss wrote into the empty server), marked with P:lost, and every call refuses with
 * StorageLostError, except loadCursor (no position: a secondary resyncs in full) and the staging
 * calls of that resync, whose commit ends the loss.
 */
export class DataGuard {
  /** Connection closes seen; a call that saw one must check the token again. */
  private closes = 0;
  private checkedCloses = 0;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private token: string,
    private lostReason: string | null,
  ) {
    redis.on('close', () => {
      this.closes += 1;
    });
  }

  /** Sets the token when absent (a new prefix, or one written before the token existed) and reads P:lost. */
  static async open(redis: Redis, prefix: string): Promise<DataGuard> {
    await redis.set(instanceKey(prefix), randomUUID(), 'NX');
    const [token, lostReason] = await redis.mget(instanceKey(prefix), lostKey(prefix));
    return new DataGuard(redis, prefix, token ?? '', lostReason ?? null);
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Runs a call that serves data: refused once lost, and checked around when the connection closed. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    this.refuseIfLost();
    return this.checked(task);
  }

  /** Runs a call checked around when the connection closed, lost or not (a full resync's staging). */
  async checked<T>(task: () => Promise<T>): Promise<T> {
    await this.checkAfterClose();
    const result = await task();
    await this.checkAfterClose();
    return result;
  }

  /** Reads the token now, whether or not the connection closed (before a commit, which no MULTI fences). */
  async verify(): Promise<void> {
    await this.checkReply(await this.redis.get(instanceKey(this.prefix)));
  }

  /** Queues the token's read as the transaction's first command; `checkReply` takes its reply. */
  fence(transaction: ChainableCommander): void {
    transaction.get(instanceKey(this.prefix));
  }

  async checkReply(reply: unknown): Promise<void> {
    if (reply !== this.token) await this.lose(reply === null ? 'its instance token is gone' : 'its instance token changed');
  }

  /** A full resync starts on an empty prefix: a new token, so that a loss during it is seen too. */
  async rearm(): Promise<void> {
    this.token = randomUUID();
    await this.redis.set(instanceKey(this.prefix), this.token);
    this.checkedCloses = this.closes;
  }

  /** The resync's snapshot is committed: the prefix holds a history again. */
  async recovered(): Promise<void> {
    await this.redis.del(lostKey(this.prefix));
    this.lostReason = null;
  }

  private refuseIfLost(): void {
    if (this.lostReason !== null) throw new StorageLostError(this.lostReason);
  }

  private async checkAfterClose(): Promise<void> {
    if (this.closes === this.checkedCloses) return;
    const closes = this.closes;
    await this.verify();
    this.checkedCloses = closes;
  }

  private async lose(why: string): Promise<never> {
    this.lostReason = `Redis lost the data under ${this.prefix} (${why}: the server restarted empty or was flushed); it no longer holds the history stored in it`;
    // Best effort: a server down again is empty again, and this process refuses anyway.
    await Promise.all([
      clearArea(this.redis, this.prefix),
      this.redis.del(cursorKey(this.prefix)),
      this.redis.set(lostKey(this.prefix), this.lostReason),
    ]).catch(() => undefined);
    throw new StorageLostError(this.lostReason);
  }
}
