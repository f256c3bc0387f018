import type { Socket } from 'node:net';
import type { Direction, Toxic } from './toxic.js';

/**
 * One toxic's run on one connection, as toxiproxy runs a toxic on a link: its toxicity roll, and
 * the state that a new run starts afresh. A run ends when the toxic is removed or restarted.
 */
export interface ToxicRun {
  readonly applies: boolean;
  /** Aborted when the run ends: toxiproxy interrupts a toxic to change the chain, and the toxic lets what it holds go at once. */
  readonly ended: AbortSignal;
  /** timeout's timer: closes the link unless a chunk reaches the toxic first. */
  timer: NodeJS.Timeout | null;
  /** bandwidth's schedule: how far (ms) the bytes let through are ahead of the rate; negative when the timers overslept. */
  bandwidthDebtMs: number;
}

/** A toxic that applies to this connection, with its run. */
export interface Stage {
  readonly toxic: Toxic;
  readonly run: ToxicRun;
}

/**
 * One client connection and its upstream connection, and the runs of the proxy's toxics on it.
 * A run starts when the connection is accepted or the toxic added, and again whenever toxiproxy
 * would interrupt and restart the toxic (see FaultProxy): each start rolls the toxicity anew.
 */
export class Link {
  private readonly runs = new Map<string, ToxicRun>();
  private readonly runEndings = new Map<string, AbortController>();
  /** limit_data's count of bytes let through; unlike a run's state it survives restarts, as in toxiproxy. */
  private readonly limitedBytes = new Map<string, number>();
  private resetTimer: NodeJS.Timeout | null = null;
  private wake: () => void = () => undefined;
  private changed = this.nextChangePromise();
  /**
   * toxiproxy sets SO_LINGER 0 on both sockets of a connection accepted while any reset_peer toxic
   * exists (whatever its direction or toxicity): every close of this link is then a reset.
   */
  readonly resetsOnClose: boolean;
  closed = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly toxicsNow: () => readonly Toxic[],
  ) {
    this.resetsOnClose = toxicsNow().some((toxic) => toxic.type === 'reset_peer');
    for (const toxic of toxicsNow()) this.start(toxic);
  }

  /** The toxics applying to this connection in this direction, in the proxy's order. */
  stages(direction: Direction): Stage[] {
    const stages: Stage[] = [];
    for (const toxic of this.toxicsNow()) {
      const run = this.runs.get(toxic.name);
      if (toxic.stream === direction && run?.applies === true) stages.push({ toxic, run });
    }
    return stages;
  }

  /** A toxic's stage as it is now, if the toxic still exists and applies: a chunk on its way may meet one updated, restarted or removed since it set off. */
  stage(name: string): Stage | undefined {
    const toxic = this.toxicsNow().find((candidate) => candidate.name === name);
    const run = this.runs.get(name);
    return toxic !== undefined && run?.applies === true ? { toxic, run } : undefined;
  }

  /** Resolves on the next change of toxics or on close: what a stream stalled by reset_peer waits for. */
  nextChange(): Promise<void> {
    return this.changed;
  }

  /** Starts (or restarts) a toxic's run: a new toxicity roll, timers from now. */
  start(toxic: Toxic): void {
    if (this.closed) return;
    this.stopRun(toxic.name);
    const ending = new AbortController();
    const run: ToxicRun = { applies: Math.random() < toxic.toxicity, ended: ending.signal, timer: null, bandwidthDebtMs: 0 };
    this.runs.set(toxic.name, run);
    this.runEndings.set(toxic.name, ending);
    if (!this.limitedBytes.has(toxic.name)) this.limitedBytes.set(toxic.name, 0);
    if (toxic.type === 'timeout') this.restartTimeout(run, toxic.attributes.timeout);
    this.signal();
  }

  /** The toxic is gone. Like toxiproxy's timeout cleanup, removing a timeout closes the connection, whether it applied or not. */
  remove(toxic: Toxic): void {
    this.stopRun(toxic.name);
    this.runs.delete(toxic.name);
    this.limitedBytes.delete(toxic.name);
    if (toxic.type === 'timeout') this.close();
    this.signal();
  }

  /** A chunk reached a timeout toxic: its timer starts over (0 never closes). */
  restartTimeout(run: ToxicRun, timeoutMs: number): void {
    if (run.timer !== null) clearTimeout(run.timer);
    run.timer = run.applies && timeoutMs > 0 ? setTimeout(() => this.close(), timeoutMs) : null;
  }

  /** reset_peer saw its first chunk: the link closes `timeoutMs` later, whatever happens to the toxic meanwhile. */
  triggerReset(timeoutMs: number): void {
    this.resetTimer ??= setTimeout(() => this.close(), timeoutMs);
  }

  limited(name: string): number {
    return this.limitedBytes.get(name) ?? 0;
  }

  addLimited(name: string, bytes: number): void {
    this.limitedBytes.set(name, this.limited(name) + bytes);
  }

  /** Closes both sockets: a reset (RST) if the link was accepted while a reset_peer existed, else a FIN. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const name of this.runs.keys()) this.stopRun(name);
    if (this.resetTimer !== null) clearTimeout(this.resetTimer);
    for (const socket of [this.client, this.upstream]) this.closeSocket(socket);
    this.signal();
  }

  /** Closes one of the link's sockets both ways: with a reset if the link was accepted while a reset_peer existed, else with a FIN. */
  closeSocket(socket: Socket): void {
    if (this.resetsOnClose && !socket.destroyed && socket.readyState !== 'opening') socket.resetAndDestroy();
    else socket.destroy();
  }

  private stopRun(name: string): void {
    const timer = this.runs.get(name)?.timer;
    if (timer !== undefined && timer !== null) clearTimeout(timer);
    this.runEndings.get(name)?.abort();
    this.runEndings.delete(name);
  }

  private signal(): void {
    const wake = this.wake;
    this.changed = this.nextChangePromise();
    wake();
  }

  private nextChangePromise(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}
