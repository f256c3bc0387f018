import { assert } from '../core/assert.js';
import { ConnectionError } from '../core/errors.js';
import type { Handover } from '../core/failover/promotion.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { ReplicationEvent } from '../core/output.js';
import { Secondary } from '../core/secondary/secondary.js';
import type { SecondaryStats } from '../core/secondary/stats.js';
import { systemNowMs } from './clock.js';
import { cryptoRandom } from './crypto-random.js';
import { lostHow, NodeDriver, type DriverObserver } from './node-driver.js';
import type { NodeOptions } from './node-options.js';
import { dial } from './transport.js';

export interface SecondaryNodeOptions extends NodeOptions {
  readonly primaryHost: string;
  readonly primaryPort: number;
  readonly replicaId: string;
}

/** A secondary on TCP: the Secondary state machine, dialling its primary whenever it asks to. */
export class SecondaryNode {
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private lastFailure = 'none';

  private readonly driver: NodeDriver<Secondary>;

  private constructor(
    private readonly options: SecondaryNodeOptions,
    machine: Secondary,
    limits: Limits,
  ) {
    const { storage, runtimeLimits, logger } = options;
    this.driver = new NodeDriver({ machine, storage, limits, runtimeLimits, logger, connect: (connectionId) => this.dial(connectionId) });
    this.driver.observe({ event: (event) => this.watch(event) });
  }

  /** Reads where its storage stands, then starts connecting (in the background). */
  static async start(options: SecondaryNodeOptions): Promise<SecondaryNode> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const cursor = await options.storage.loadCursor();
    const machine = new Secondary({
      nowMs: systemNowMs(),
      random: cryptoRandom,
      replicaId: options.replicaId,
      cursor,
      limits,
      timing: options.timing,
      authToken: soleToken(options.authToken),
      wireFormat: options.wireFormat,
    });
    const node = new SecondaryNode(options, machine, limits);
    options.logger.info({ replicaId: options.replicaId, cursor, primary: `${options.primaryHost}:${options.primaryPort}` }, 'secondary starting');
    node.driver.drive(() => undefined);
    return node;
  }

  get replicaId(): string {
    return this.options.replicaId;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /**
   * Resolves once this secondary holds a consistent copy of the primary's current history (at once
   * after a resume, after installing the snapshot of a full resync); rejects after `timeoutMs`.
   */
  async waitForSync(timeoutMs: number): Promise<void> {
    if (this.synced) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const phase = this.driver.machine.getStats(systemNowMs()).primary.phase;
        const message = `no sync with the primary within ${timeoutMs} ms (phase now: ${phase}; last connection failure: ${this.lastFailure})`;
        reject(new ConnectionError(message, this.options.primaryHost, this.options.primaryPort));
      }, timeoutMs);
    });
    try {
      await Promise.race([new Promise<void>((resolve) => this.syncWaiters.push(resolve)), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Adds an observer of traffic and events (metrics); it sees everything from then on. */
  observe(observer: DriverObserver): void {
    this.driver.observe(observer);
  }

  getStats(): SecondaryStats {
    return this.driver.machine.getStats(systemNowMs());
  }

  /** Tells the primary (ERROR shutdown), waits for the storage work already issued; the storage stays open. */
  async close(): Promise<void> {
    await this.driver.close();
  }

  /** Promotion: stops as close() does, then hands over where its storage stands and the log it kept. */
  async handOver(): Promise<Handover> {
    await this.driver.close();
    return this.driver.machine.handover();
  }

  private dial(connectionId: number): void {
    const { primaryHost, primaryPort, tls } = this.options;
    const { socket, readyEvent } = dial(primaryHost, primaryPort, tls);
    let established = false;
    const connection = this.driver.adopt(connectionId, socket, false, (machine, nowMs, error) => {
      if (established) machine.handleDisconnected(connectionId, nowMs, lostHow(error));
      else machine.handleConnectFailed(connectionId, error?.message ?? 'closed before connecting', nowMs);
    });
    socket.once(readyEvent, () => {
      established = true;
      connection.markEstablished();
      this.driver.drive((machine, nowMs) => machine.handleConnected(connectionId, nowMs));
    });
  }

  private watch(event: ReplicationEvent): void {
    if (event.kind === 'connectionClosed') this.lastFailure = event.reason;
    const resumed = event.kind === 'resync' && event.mode === 'continue' && this.driver.machine.getStats(systemNowMs()).primary.phase === 'stream';
    if (!resumed && event.kind !== 'snapshotInstalled') return;
    this.synced = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }
}

/** A secondary proves one token: resolveConfig refuses a list for it (only a primary rotates). */
function soleToken(token: string | readonly string[] | null): string | null {
  assert(token === null || typeof token === 'string', 'a secondary was given a list of auth tokens');
  return token;
}
