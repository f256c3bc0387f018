import type { Socket } from 'node:net';
import type { Direction, Toxic } from './toxic.js';

/**
 * One client connection and its upstream connection. Toxics whose effect is on the connection
 * rather than on its bytes (timeout, reset_peer) are timers here; everything else is in Stream.
 */
export class Link {
  private readonly rolls = new Map<string, boolean>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private wake: () => void = () => undefined;
  private changed = this.nextChangePromise();
  closed = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly toxicsNow: () => readonly Toxic[],
  ) {}

  /** The toxics that apply to this connection in this direction; toxicity is rolled once per connection, as toxiproxy does. */
  toxics(direction: Direction): Toxic[] {
    return this.toxicsNow().filter((toxic) => toxic.stream === direction && this.applies(toxic));
  }

  /** Resolves on the next change of toxics or on close: what a stream held by a toxic waits for. */
  nextChange(): Promise<void> {
    return this.changed;
  }

  /** Re-reads the toxics: starts the timers of new connection-level toxics, stops removed ones. */
  toxicsChanged(): void {
    const current = new Map(this.toxicsNow().filter((toxic) => this.applies(toxic)).map((toxic) => [toxic.name, toxic]));
    for (const [name, timer] of this.timers) {
      if (!current.has(name)) {
        clearTimeout(timer);
        this.timers.delete(name);
      }
    }
    for (const toxic of current.values()) this.arm(toxic);
    this.signal();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.client.destroy();
    this.upstream.destroy();
    this.signal();
  }

  /** Like toxiproxy's reset_peer: the client sees a TCP RST instead of a FIN. */
  reset(): void {
    if (this.closed) return;
    if (!this.client.destroyed) this.client.resetAndDestroy();
    this.close();
  }

  private arm(toxic: Toxic): void {
    if (this.timers.has(toxic.name)) return;
    if (toxic.type === 'reset_peer') this.timers.set(toxic.name, setTimeout(() => this.reset(), toxic.attributes.timeout));
    // A timeout of 0 holds the data forever instead of closing: Stream does the holding.
    if (toxic.type === 'timeout' && toxic.attributes.timeout > 0) this.timers.set(toxic.name, setTimeout(() => this.close(), toxic.attributes.timeout));
  }

  private applies(toxic: Toxic): boolean {
    let rolled = this.rolls.get(toxic.name);
    if (rolled === undefined) {
      rolled = Math.random() < toxic.toxicity;
      this.rolls.set(toxic.name, rolled);
    }
    return rolled;
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
