import type { LostHow } from '../src/core/output.js';
import { NO_NETWORK_FAULTS, type NetworkFaults } from './options.js';
import type { Prng } from './prng.js';
import type { Scheduler } from './scheduler.js';
import type { TraceEvent } from './trace.js';

export const PRIMARY = 'primary';

/** What the network does to the nodes: the simulation routes these to its machines. */
export interface NetworkHooks {
  deliverBytes(node: string, connectionId: number, bytes: Uint8Array): void;
  /** The connection ended: by the peer's FIN, or by a reset. */
  deliverClose(node: string, connectionId: number, how: LostHow): void;
  connected(secondary: string, secondaryConnectionId: number, primary: string, primaryConnectionId: number): void;
  connectFailed(secondary: string, secondaryConnectionId: number): void;
  /** The node runs a primary that takes connections (a secondary, or a node that is down, refuses them). */
  listens(node: string): boolean;
  /** Which process of a node runs: bumped by every crash. */
  generationOf(node: string): number;
  trace(event: TraceEvent): void;
}

export type Direction = 'toPrimary' | 'toSecondary';
/** A scripted fate for a segment, applied before the probabilistic faults. */
export type SegmentFilter = (bytes: Uint8Array, direction: Direction) => 'deliver' | 'drop' | 'duplicate';

interface Pipe {
  /** No segment of this pipe is delivered before an earlier one, unless it was reordered. */
  lastArrivalMs: number;
  /** Segments that arrived while the link was held, in arrival order. */
  held: Segment[];
}

interface Segment {
  readonly bytes: Uint8Array | null; // null: the FIN that closes the stream
  readonly sentMs: number;
  readonly id: number;
  /** What the transmit it is part of carried, when the trace keeps events (sim/frame-label.ts). */
  readonly frames?: string | undefined;
}

interface Connection {
  /** The node the secondary dialled: PRIMARY, or a promoted secondary it was pointed at. */
  readonly primary: string;
  readonly secondary: string;
  readonly secondaryConnectionId: number;
  readonly primaryConnectionId: number;
  /** The processes at each end when it was made: a restarted process never receives its bytes. */
  readonly generations: { readonly primary: number; readonly secondary: number };
  open: boolean;
  /** Bumped by a reset: whatever was in flight before it is lost. */
  epoch: number;
  readonly pipes: Record<Direction, Pipe>;
}

/**
 * A simulated network between the primary and its secondaries. It carries the encoded bytes each
 * machine transmits as segments, and on the way can delay (in order, with jitter), drop, duplicate,
 * reorder, corrupt, re-chunk, hold (clog), cut (partition, also one way) and reset them.
 */
export class SimNetwork {
  /** Open connections, by the primary's id and by the secondary's (name and id). */
  private readonly connections = new Map<number, Connection>();
  private readonly bySecondary = new Map<string, Connection>();
  /** Connections, open or not, with segments waiting on a held link. */
  private readonly holding = new Set<Connection>();
  private readonly cut = new Set<string>();
  private readonly heldLinks = new Set<string>();
  private readonly filters = new Map<string, SegmentFilter>();
  /** The faults of the links of secondaries that have their own, in place of the shared ones. */
  private readonly linkFaults = new Map<string, NetworkFaults>();
  /** Whom each secondary dials, when not PRIMARY: a secondary re-pointed after a failover. */
  private readonly targets = new Map<string, string>();
  /**
   * The connections (by secondary and its id) on which a segment toward the secondary was duplicated:
   * TCP never hands an application the same bytes twice, and a secondary acknowledges the bytes of a
   * frame it ignored as a duplicate, so the primary's count of what is unacknowledged falls short.
   */
  private readonly duplicatedToSecondary = new Set<string>();
  private nextPrimaryConnectionId = 1;
  private nextSegmentId = 1;
  private delivered = 0;
  private faults: NetworkFaults;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly prng: Prng,
    faults: NetworkFaults,
    private readonly hooks: NetworkHooks,
    private readonly now: () => number,
  ) {
    this.faults = faults;
  }

  // ---- verbs ----

  partition(a: string, b: string): void {
    this.partitionOneway(a, b);
    this.partitionOneway(b, a);
  }

  partitionOneway(from: string, to: string): void {
    this.cut.add(linkKey(from, to));
    this.hooks.trace({ t: this.now(), kind: 'partition', from, to });
  }

  /** Heals the cut between a and b both ways, or every cut when called without nodes. */
  repair(a?: string, b?: string): void {
    if (a === undefined || b === undefined) this.cut.clear();
    else {
      this.cut.delete(linkKey(a, b));
      this.cut.delete(linkKey(b, a));
    }
    this.hooks.trace({ t: this.now(), kind: 'repair', from: a ?? '*', to: b ?? '*' });
  }

  /** Holds what travels from `from` to `to` until release: a clogged link. */
  hold(from: string, to: string): void {
    this.heldLinks.add(linkKey(from, to));
    this.hooks.trace({ t: this.now(), kind: 'hold', from, to });
  }

  release(from: string, to: string): void {
    this.heldLinks.delete(linkKey(from, to));
    this.hooks.trace({ t: this.now(), kind: 'release', from, to });
    for (const connection of [...this.holding]) {
      const direction = directionOf(connection, from, to);
      if (direction !== undefined) this.flushHeld(connection, direction);
    }
  }

  /** Releases every held link and drops every filter. */
  releaseAll(): void {
    this.filters.clear();
    for (const key of [...this.heldLinks]) {
      const [from, to] = key.split('>');
      if (from !== undefined && to !== undefined) this.release(from, to);
    }
  }

  /** Gives the connections of one secondary their own faults (a slow link, say). */
  setLinkFaults(secondary: string, faults: NetworkFaults): void {
    this.linkFaults.set(secondary, faults);
  }

  /** Every fault ends: cuts repaired, held links released, filters dropped, a clean network. */
  heal(): void {
    this.repair();
    this.releaseAll();
    this.faults = NO_NETWORK_FAULTS;
    this.linkFaults.clear();
  }

  setFilter(secondary: string, filter: SegmentFilter | null): void {
    if (filter === null) this.filters.delete(secondary);
    else this.filters.set(secondary, filter);
  }

  /** Segments handed to a node so far. */
  get segmentsDelivered(): number {
    return this.delivered;
  }

  isCut(from: string, to: string): boolean {
    // Every segment asks: most of the time nothing is cut, and the key is not worth building.
    return this.cut.size > 0 && this.cut.has(linkKey(from, to));
  }

  /** Points a secondary's next connections at another node (a promoted one). */
  setTarget(secondary: string, primary: string): void {
    this.targets.set(secondary, primary);
  }

  targetOf(secondary: string): string {
    return this.targets.get(secondary) ?? PRIMARY;
  }

  /** Resets every connection of a secondary. */
  resetConnectionsOf(secondary: string): void {
    for (const [id, connection] of [...this.connections]) if (connection.secondary === secondary) this.reset(id);
  }

  // ---- what machines ask for ----

  connect(secondary: string, secondaryConnectionId: number): void {
    const t = this.now();
    const primary = this.targetOf(secondary);
    this.hooks.trace({ t, kind: 'connect', from: secondary, to: primary, conn: secondaryConnectionId });
    // A cut link swallows the handshake: the attempt hangs until the secondary gives up.
    if (this.isCut(secondary, primary) || this.isCut(primary, secondary)) return;
    const delayMs = this.delayMs(this.faultsOf(secondary));
    if (!this.hooks.listens(primary)) {
      this.scheduler.at(t + delayMs, () => this.hooks.connectFailed(secondary, secondaryConnectionId));
      return;
    }
    const primaryConnectionId = this.nextPrimaryConnectionId;
    this.nextPrimaryConnectionId += 1;
    const arrivalMs = t + delayMs;
    const pipe = (): Pipe => ({ lastArrivalMs: arrivalMs, held: [] });
    const connection: Connection = {
      primary,
      secondary,
      secondaryConnectionId,
      primaryConnectionId,
      generations: { primary: this.hooks.generationOf(primary), secondary: this.hooks.generationOf(secondary) },
      open: true,
      epoch: 0,
      pipes: { toPrimary: pipe(), toSecondary: pipe() },
    };
    this.connections.set(primaryConnectionId, connection);
    this.bySecondary.set(secondaryKey(secondary, secondaryConnectionId), connection);
    // A connection that ended before it was established (its secondary crashed, say) never arrives.
    this.scheduler.at(arrivalMs, () => {
      if (connection.open) this.hooks.connected(secondary, secondaryConnectionId, primary, primaryConnectionId);
    });
  }

  /** Bytes a node transmits on a connection (its own connection id). */
  /** `frames` describes what the bytes carry, for the trace; it changes nothing on the way. */
  send(node: string, connectionId: number, bytes: Uint8Array, frames?: string): void {
    const connection = this.find(node, connectionId);
    if (connection === undefined || !connection.open) return;
    const direction: Direction = node === connection.primary ? 'toSecondary' : 'toPrimary';
    const faults = this.faultsOf(connection.secondary);
    if (this.prng.nextFloat() < faults.resetProbability) {
      this.reset(connection.primaryConnectionId);
      return;
    }
    const fate = this.filters.get(connection.secondary)?.(bytes, direction) ?? 'deliver';
    if (fate === 'drop' || this.prng.nextFloat() < faults.dropProbability) {
      this.hooks.trace({ t: this.now(), kind: 'drop', from: node, to: peerOf(connection, node), conn: connection.primaryConnectionId, bytes: bytes.length, frames });
      return;
    }
    const payload = this.prng.nextFloat() < faults.corruptProbability ? this.corrupt(bytes) : bytes;
    const copies = fate === 'duplicate' || this.prng.nextFloat() < faults.duplicateProbability ? 2 : 1;
    if (copies > 1 && direction === 'toSecondary') this.duplicatedToSecondary.add(secondaryKey(connection.secondary, connection.secondaryConnectionId));
    for (let copy = 0; copy < copies; copy += 1) {
      for (const piece of this.rechunk(payload, faults)) this.enqueue(connection, direction, piece, frames);
    }
  }

  /** A node closes its end: the peer sees the stream end after what was sent before. */
  close(node: string, connectionId: number): void {
    const connection = this.find(node, connectionId);
    if (connection === undefined || !connection.open) return;
    this.forget(connection);
    this.enqueueFin(connection, node === connection.primary ? 'toSecondary' : 'toPrimary');
  }

  /** A node's process died: the kernel closes its sockets, the peers see the streams end. */
  nodeDown(node: string): void {
    for (const connection of [...this.connections.values()]) {
      if (connection.primary !== node && connection.secondary !== node) continue;
      this.forget(connection);
      this.enqueueFin(connection, node === connection.primary ? 'toSecondary' : 'toPrimary');
    }
  }

  // ---- inside the network ----

  private reset(primaryConnectionId: number): void {
    const connection = this.connections.get(primaryConnectionId);
    if (connection === undefined || !connection.open) return;
    this.forget(connection);
    connection.epoch += 1;
    const t = this.now();
    this.hooks.trace({ t, kind: 'reset', from: connection.secondary, to: connection.primary, conn: primaryConnectionId });
    const delayMs = this.delayMs(this.faultsOf(connection.secondary));
    this.scheduler.at(t + delayMs, () => this.deliverReset(connection, 'toPrimary'));
    this.scheduler.at(t + delayMs, () => this.deliverReset(connection, 'toSecondary'));
  }

  /** A reset reaches only the process whose socket it was, as a segment does (reachesItsProcess). */
  private deliverReset(connection: Connection, direction: Direction): void {
    if (!this.reachesItsProcess(connection, direction)) return;
    const [, to] = endpoints(connection, direction);
    this.hooks.deliverClose(to, direction === 'toPrimary' ? connection.primaryConnectionId : connection.secondaryConnectionId, 'reset');
  }

  /** Its socket died with the process: a restarted one may reuse the connection id, never the connection. */
  private reachesItsProcess(connection: Connection, direction: Direction): boolean {
    const toPrimary = direction === 'toPrimary';
    return this.hooks.generationOf(toPrimary ? connection.primary : connection.secondary) === (toPrimary ? connection.generations.primary : connection.generations.secondary);
  }

  private enqueue(connection: Connection, direction: Direction, bytes: Uint8Array, frames: string | undefined): void {
    const t = this.now();
    const faults = this.faultsOf(connection.secondary);
    const reordered = this.prng.nextFloat() < faults.reorderProbability;
    const pipe = connection.pipes[direction];
    const arrivalMs = reordered ? t + this.delayMs(faults) : Math.max(pipe.lastArrivalMs, t + this.delayMs(faults));
    pipe.lastArrivalMs = Math.max(pipe.lastArrivalMs, arrivalMs);
    const segment: Segment = { bytes, sentMs: t, id: this.nextSegmentId, frames };
    this.nextSegmentId += 1;
    const epoch = connection.epoch;
    this.scheduler.at(arrivalMs, () => this.arrive(connection, direction, segment, epoch));
  }

  private enqueueFin(connection: Connection, direction: Direction): void {
    const pipe = connection.pipes[direction];
    const arrivalMs = Math.max(pipe.lastArrivalMs, this.now() + this.delayMs(this.faultsOf(connection.secondary)));
    pipe.lastArrivalMs = arrivalMs;
    const segment: Segment = { bytes: null, sentMs: this.now(), id: this.nextSegmentId };
    this.nextSegmentId += 1;
    const epoch = connection.epoch;
    this.scheduler.at(arrivalMs, () => this.arrive(connection, direction, segment, epoch));
  }

  private arrive(connection: Connection, direction: Direction, segment: Segment, epoch: number): void {
    if (connection.epoch !== epoch) return; // lost in a reset
    const [from, to] = endpoints(connection, direction);
    if (this.isCut(from, to)) {
      this.hooks.trace({ t: this.now(), kind: 'drop', from, to, conn: connection.primaryConnectionId, bytes: segment.bytes?.length ?? 0, sentMs: segment.sentMs, frames: segment.frames });
      return;
    }
    const pipe = connection.pipes[direction];
    if (pipe.held.length > 0 || this.isHeld(from, to)) {
      pipe.held.push(segment);
      this.holding.add(connection);
      return;
    }
    this.deliver(connection, direction, segment);
  }

  private isHeld(from: string, to: string): boolean {
    return this.heldLinks.size > 0 && this.heldLinks.has(linkKey(from, to));
  }

  private flushHeld(connection: Connection, direction: Direction): void {
    const pipe = connection.pipes[direction];
    const held = pipe.held;
    pipe.held = [];
    if (connection.pipes.toPrimary.held.length === 0 && connection.pipes.toSecondary.held.length === 0) this.holding.delete(connection);
    for (const segment of held) this.deliver(connection, direction, segment);
  }

  private deliver(connection: Connection, direction: Direction, segment: Segment): void {
    const [from, to] = endpoints(connection, direction);
    const toPrimary = direction === 'toPrimary';
    const connectionId = toPrimary ? connection.primaryConnectionId : connection.secondaryConnectionId;
    if (!this.reachesItsProcess(connection, direction)) {
      this.hooks.trace({ t: this.now(), kind: 'drop', from, to, conn: connection.primaryConnectionId, bytes: segment.bytes?.length ?? 0, sentMs: segment.sentMs, frames: segment.frames });
      return;
    }
    if (segment.bytes === null) {
      this.hooks.trace({ t: this.now(), kind: 'fin', from, to, conn: connection.primaryConnectionId, sentMs: segment.sentMs });
      this.hooks.deliverClose(to, connectionId, 'peer_closed');
      return;
    }
    this.delivered += 1;
    this.hooks.trace({ t: this.now(), kind: 'deliver', from, to, conn: connection.primaryConnectionId, bytes: segment.bytes.length, sentMs: segment.sentMs, segment: segment.id, frames: segment.frames });
    this.hooks.deliverBytes(to, connectionId, segment.bytes);
  }

  /** A copy with one bit flipped: the decoder holds on to what it is given, so never in place. */
  private corrupt(bytes: Uint8Array): Uint8Array {
    const copy = bytes.slice();
    const bit = this.prng.below(copy.length * 8);
    copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    this.hooks.trace({ t: this.now(), kind: 'corrupt', bytes: bytes.length, bit });
    return copy;
  }

  private rechunk(bytes: Uint8Array, faults: NetworkFaults): Uint8Array[] {
    if (bytes.length < 2 || this.prng.nextFloat() >= faults.rechunkProbability) return [bytes];
    const pieces: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const length = 1 + this.prng.below(Math.max(1, Math.min(bytes.length - offset, 64)));
      pieces.push(bytes.subarray(offset, offset + length));
      offset += length;
    }
    return pieces;
  }

  /** Minimum plus exponential jitter, in whole milliseconds. */
  private delayMs(faults: NetworkFaults): number {
    const mean = faults.delayJitterMeanMs;
    const jitter = mean > 0 ? -mean * Math.log(1 - this.prng.nextFloat()) : 0;
    return faults.delayMinMs + Math.round(jitter);
  }

  private faultsOf(secondary: string): NetworkFaults {
    return this.linkFaults.get(secondary) ?? this.faults;
  }

  /** Whether the network duplicated bytes toward `secondary` on its connection `connectionId`. */
  duplicatedTo(secondary: string, connectionId: number): boolean {
    return this.duplicatedToSecondary.has(secondaryKey(secondary, connectionId));
  }

  /** Primary connection ids are the network's own, unique across nodes: a node is the primary end of the one it names. */
  private find(node: string, connectionId: number): Connection | undefined {
    const asPrimary = this.connections.get(connectionId);
    return asPrimary?.primary === node ? asPrimary : this.bySecondary.get(secondaryKey(node, connectionId));
  }

  private forget(connection: Connection): void {
    connection.open = false;
    this.connections.delete(connection.primaryConnectionId);
    const key = secondaryKey(connection.secondary, connection.secondaryConnectionId);
    if (this.bySecondary.get(key) === connection) this.bySecondary.delete(key);
  }
}

function secondaryKey(secondary: string, connectionId: number): string {
  return `${secondary}#${connectionId}`;
}

function linkKey(from: string, to: string): string {
  return `${from}>${to}`;
}

function endpoints(connection: Connection, direction: Direction): [string, string] {
  return direction === 'toPrimary' ? [connection.secondary, connection.primary] : [connection.primary, connection.secondary];
}

function peerOf(connection: Connection, node: string): string {
  return node === connection.primary ? connection.secondary : connection.primary;
}

function directionOf(connection: Connection, from: string, to: string): Direction | undefined {
  if (from === connection.secondary && to === connection.primary) return 'toPrimary';
  if (from === connection.primary && to === connection.secondary) return 'toSecondary';
  return undefined;
}
