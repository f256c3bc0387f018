import './native-codecs.js';
import type { Socket } from 'node:net';
import type { Limits } from '../core/limits.js';
import type { LostHow, ReplicationEvent, StateMachine } from '../core/output.js';
import { pump, type Effects } from '../core/pump.js';
import type { StorageRequest, StorageResult } from '../core/storage-request.js';
import type { StorageBackend } from '../storage/backend.js';
import { systemNowMs } from './clock.js';
import { Connection } from './connection.js';
import { logEvent } from './event-log.js';
import { sendQueueBytesMax, type RuntimeLimits } from './limits.js';
import type { Logger } from './logger.js';
import { StorageChain } from './storage-chain.js';
import { WakeTimer } from './wake-timer.js';

/** The inputs every state machine takes besides its own (connects, writes). */
export interface DrivenMachine extends StateMachine {
  handleBytes(connectionId: number, bytes: Uint8Array, nowMs: number): void;
  handleDisconnected(connectionId: number, nowMs: number, how: LostHow): void;
  handleStorageDone(requestId: number, result: StorageResult, nowMs: number): void;
  handleTimeout(nowMs: number): void;
  close(nowMs: number): void;
}

/** Sees the traffic and events of a node: metrics, tests. Called from inside a pump: no inputs. */
export interface DriverObserver {
  bytesSent?(count: number): void;
  bytesReceived?(count: number): void;
  event?(event: ReplicationEvent): void;
}

export interface NodeDriverOptions<M extends DrivenMachine> {
  readonly machine: M;
  readonly storage: StorageBackend;
  readonly limits: Limits;
  readonly runtimeLimits: RuntimeLimits;
  readonly logger: Logger;
  /** Secondary: open a link when the machine asks for one (then adopt its socket). */
  readonly connect?: (connectionId: number) => void;
  /** Called after each input's outputs are executed, outside the pump: a primary submits the writes it held then. */
  readonly settled?: () => void;
}

/** Tells the machine that a socket it knew is gone. */
export type LostInput<M> = (machine: M, nowMs: number, error: Error | null) => void;

/** A socket that ended on an error (a reset, a broken pipe) was reset; one that ended without one was closed by its peer. */
export function lostHow(error: Error | null): LostHow {
  return error === null ? 'peer_closed' : 'reset';
}

/**
 * Owns one state machine and everything real around it: sockets, one timer, the storage chain.
 * Every input goes through drive(), which pumps the machine's outputs; effects only start I/O and
 * every completion comes back later as a new input, so the machine is never re-entered.
 */
export class NodeDriver<M extends DrivenMachine> {
  readonly machine: M;
  private readonly connections = new Map<number, Connection>();
  /** Every socket not yet closed, including those the machine has already let go. */
  private readonly alive = new Set<Connection>();
  private readonly observers = new Set<DriverObserver>();
  private readonly chain: StorageChain;
  private readonly timer: WakeTimer;
  private readonly effects: Effects;
  private state: 'running' | 'closing' | 'closed' = 'running';
  private closing: Promise<void> | null = null;

  constructor(private readonly options: NodeDriverOptions<M>) {
    this.machine = options.machine;
    this.chain = new StorageChain(options.storage, (requestId, result) => this.drive((machine, nowMs) => machine.handleStorageDone(requestId, result, nowMs)));
    this.timer = new WakeTimer(systemNowMs, () => this.drive((machine, nowMs) => machine.handleTimeout(nowMs)));
    this.effects = {
      transmit: (connectionId, bytes) => this.transmit(connectionId, bytes),
      close: (connectionId) => this.closeConnection(connectionId),
      connect: (connectionId) => this.connect(connectionId),
      storage: (requestId, request) => this.storage(requestId, request),
      event: (event) => this.event(event),
    };
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  observe(observer: DriverObserver): void {
    this.observers.add(observer);
  }

  /**
   * Runs one input on the machine, then executes what it asks and re-arms the timer. `nowMs`: a
   * caller that has just read the clock passes its reading rather than pay for another.
   */
  drive(input: (machine: M, nowMs: number) => void, nowMs = systemNowMs()): void {
    if (this.state === 'closed') return;
    input(this.machine, nowMs);
    this.timer.arm(pump(this.machine, this.effects));
    this.options.settled?.();
  }

  /** Takes over a socket under the machine's connection id; `lost` runs when it closes. */
  adopt(connectionId: number, socket: Socket, established: boolean, lost: LostInput<M>): Connection {
    const connection: Connection = new Connection(
      socket,
      { pendingBytesMax: sendQueueBytesMax(this.options.limits), closeFlushTimeoutMs: this.options.runtimeLimits.closeFlushTimeoutMs, established },
      {
        received: (bytes) => this.received(connectionId, bytes),
        closed: (error) => this.lost(connectionId, connection, error, lost),
      },
    );
    this.connections.set(connectionId, connection);
    this.alive.add(connection);
    return connection;
  }

  /**
   * Closes the machine (it tells its peers why), lets the sockets flush and close, waits for the
   * storage requests already issued, and stops the timer. The storage stays open: it is its
   * owner's (NetworkSyncBackend's, unless told to keep it open). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    this.drive((machine, nowMs) => machine.close(nowMs));
    for (const connection of this.connections.values()) connection.end();
    this.connections.clear();
    await Promise.all([...this.alive].map(async (connection) => connection.closed));
    await this.chain.idle();
    this.timer.clear();
    this.state = 'closed';
  }

  private received(connectionId: number, bytes: Uint8Array): void {
    for (const observer of this.observers) observer.bytesReceived?.(bytes.length);
    this.drive((machine, nowMs) => machine.handleBytes(connectionId, bytes, nowMs));
  }

  private lost(connectionId: number, connection: Connection, error: Error | null, lost: LostInput<M>): void {
    this.alive.delete(connection);
    if (this.connections.get(connectionId) === connection) this.connections.delete(connectionId);
    if (error !== null) this.options.logger.debug({ connectionId, error: error.message }, 'socket error');
    this.drive((machine, nowMs) => lost(machine, nowMs, error));
  }

  private transmit(connectionId: number, bytes: Uint8Array): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return;
    for (const observer of this.observers) observer.bytesSent?.(bytes.length);
    if (connection.write(bytes)) return;
    this.options.logger.warn({ connectionId, pendingBytes: connection.pendingBytes }, 'connection destroyed: its unsent bytes passed their bound');
  }

  private closeConnection(connectionId: number): void {
    this.connections.get(connectionId)?.end();
    this.connections.delete(connectionId);
  }

  private connect(connectionId: number): void {
    if (this.options.connect === undefined) throw new TypeError('this machine asked to connect, but its driver cannot dial');
    this.options.connect(connectionId);
  }

  private storage(requestId: number, request: StorageRequest): void {
    this.chain.enqueue(requestId, request);
  }

  private event(event: ReplicationEvent): void {
    logEvent(this.options.logger, event);
    for (const observer of this.observers) observer.event?.(event);
  }
}
