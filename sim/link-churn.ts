/**
 * Once every fault is healed and the cluster has converged, nothing is left to do but heartbeat:
 * the network delays each segment a millisecond and loses none, no node is down, no write waits.
 * A link opened on the healed network that closes then has no reason to, so one that does is a
 * liveness failure: a primary that heartbeats slower than a secondary's timeout would otherwise
 * churn its links for ever while every convergence check passed between two closes.
 *
 * Faults whose effects outlast heal() excuse a close until they end (`faultsQuietFromMs`): a
 * disk's stall left to finish, a loss reported at the disk's next request, a clock that jumped
 * (its node's timers are off by the jump until a timeout has passed). A link opened before the
 * heal may carry a fault of its own (a lost HELLO), and is not watched.
 */
export class LinkChurn {
  /** When each connection opened on the healed network did, by `secondary#connectionId` (the secondary's id). */
  private readonly openedAtMs = new Map<string, number>();
  private healed = false;
  private watchedFromMs: number | null = null;
  private firstChurn: string | null = null;

  /** The faults healed: the connections opened from now on are the healed network's. */
  heal(): void {
    this.healed = true;
  }

  connected(secondary: string, connectionId: number, atMs: number): void {
    if (this.healed) this.openedAtMs.set(connectionKey(secondary, connectionId), atMs);
  }

  /** From now on (the cluster converged on the healed network) no link opened after the heal may close. */
  watchFrom(atMs: number): void {
    this.watchedFromMs = atMs;
  }

  /** A secondary's connection closed. `refused`: one the primary turns away at every handshake, for its token or its limits. */
  closed(secondary: string, connectionId: number, how: ClosedConnection): void {
    const key = connectionKey(secondary, connectionId);
    const openedAtMs = this.openedAtMs.get(key);
    this.openedAtMs.delete(key);
    if (how.refused || openedAtMs === undefined || this.watchedFromMs === null || how.atMs < how.faultsQuietFromMs) return;
    this.firstChurn ??=
      `${secondary}'s connection ${connectionId}, opened at ${openedAtMs} on the healed network, closed at ${how.atMs} ` +
      `after the cluster converged at ${this.watchedFromMs} (${how.code}: ${how.reason})`;
  }

  /** The first watched link that closed, or null. */
  get violation(): string | null {
    return this.firstChurn;
  }
}

export interface ClosedConnection {
  readonly code: string;
  readonly reason: string;
  readonly atMs: number;
  readonly refused: boolean;
  /** The latest time a fault that outlasts heal() may still close a link. */
  readonly faultsQuietFromMs: number;
}

function connectionKey(secondary: string, connectionId: number): string {
  return `${secondary}#${connectionId}`;
}
