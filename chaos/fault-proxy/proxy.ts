import { connect, createServer, type Server, type Socket } from 'node:net';
import { ApiError } from './api-error.js';
import { FAULT_PROXY_LIMITS } from './limits.js';
import { Link } from './link.js';
import { Stream } from './stream.js';
import type { Toxic } from './toxic.js';

export interface ProxyJson {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: readonly Toxic[];
}

/**
 * One named proxy: a listener forwarding each connection to `upstream` through the toxics.
 * Disabled, it neither listens nor keeps any connection: to its clients the service is down.
 */
export class FaultProxy {
  private toxicList: Toxic[] = [];
  private readonly links = new Set<Link>();
  private server: Server | null = null;
  private listen: { host: string; port: number };

  private constructor(
    readonly name: string,
    listen: string,
    private upstream: string,
  ) {
    this.listen = splitHostPort(listen);
  }

  static async create(name: string, listen: string, upstream: string, enabled: boolean): Promise<FaultProxy> {
    const proxy = new FaultProxy(name, listen, upstream);
    // Refused at creation, as toxiproxy does, not at the first connection.
    splitHostPort(upstream);
    if (enabled) await proxy.setEnabled(true);
    return proxy;
  }

  get json(): ProxyJson {
    return { name: this.name, listen: `${this.listen.host}:${this.listen.port}`, upstream: this.upstream, enabled: this.server !== null, toxics: this.toxicList };
  }

  get toxics(): readonly Toxic[] {
    return this.toxicList;
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled && this.server === null) this.server = await this.startListening();
    if (!enabled && this.server !== null) {
      const server = this.server;
      this.server = null;
      for (const link of this.links) link.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /**
   * toxiproxy's update: a different listen address or upstream stops the proxy (closing every
   * connection) before taking them; the caller then enables it again or not.
   */
  async reconfigure(listen: string, upstream: string): Promise<void> {
    // Refused before anything changes, as toxiproxy does, not at the first connection.
    const address = splitHostPort(listen);
    splitHostPort(upstream);
    if (listen === this.json.listen && upstream === this.upstream) return;
    await this.setEnabled(false);
    this.listen = address;
    this.upstream = upstream;
  }

  /** Starts the toxic on every link, and restarts the one before it in its direction: toxiproxy interrupts that one to chain the new one on. */
  addToxic(toxic: Toxic): void {
    if (this.toxicList.some((existing) => existing.name === toxic.name)) throw new ApiError(409, `toxic '${toxic.name}' already exists`);
    if (this.toxicList.length >= FAULT_PROXY_LIMITS.toxicsPerProxyMax) throw new ApiError(400, `at most ${FAULT_PROXY_LIMITS.toxicsPerProxyMax} toxics per proxy`);
    const previous = this.toxicList.filter((existing) => existing.stream === toxic.stream).at(-1);
    this.toxicList = [...this.toxicList, toxic];
    for (const link of this.links) {
      if (previous !== undefined) link.start(previous);
      link.start(toxic);
    }
  }

  /** Replaces the toxic in place and restarts it on every link, which rolls its toxicity again. */
  updateToxic(toxic: Toxic): void {
    this.toxicList = this.toxicList.map((existing) => (existing.name === toxic.name ? toxic : existing));
    for (const link of this.links) link.start(toxic);
  }

  /** Removes the toxic from every link and restarts the one before it in its direction, as toxiproxy relinks its chain. */
  removeToxic(name: string): void {
    const removed = this.toxicList.find((toxic) => toxic.name === name);
    if (removed === undefined) return;
    const sameDirection = this.toxicList.filter((toxic) => toxic.stream === removed.stream);
    const previous = sameDirection[sameDirection.indexOf(removed) - 1];
    this.toxicList = this.toxicList.filter((toxic) => toxic !== removed);
    for (const link of this.links) {
      link.remove(removed);
      if (previous !== undefined) link.start(previous);
    }
  }

  private async startListening(): Promise<Server> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.listen.port, this.listen.host, resolve));
    const address = server.address();
    // Port 0 means "any": keep the one given, so that disabling and enabling reuses it.
    if (address !== null && typeof address !== 'string') this.listen = { host: this.listen.host, port: address.port };
    return server;
  }

  private accept(client: Socket): void {
    if (this.links.size >= FAULT_PROXY_LIMITS.connectionsPerProxyMax) {
      client.destroy();
      return;
    }
    const { host, port } = splitHostPort(this.upstream);
    const upstream = connect({ host, port, allowHalfOpen: true });
    const link = new Link(client, upstream, () => this.toxicList);
    this.links.add(link);
    const upstreamward = new Stream(link, 'upstream', client, upstream);
    const downstreamward = new Stream(link, 'downstream', upstream, client);
    upstreamward.whenSinkClosed(() => downstreamward.finish());
    downstreamward.whenSinkClosed(() => upstreamward.finish());
    // An error ends a socket both ways; as in toxiproxy, what was read from it still goes through.
    client.on('error', () => upstreamward.finish());
    upstream.on('error', () => downstreamward.finish());
    for (const socket of [client, upstream]) {
      // Over once both sockets are: a direction may still be passing on what it read into the other.
      socket.on('close', () => {
        if (!client.destroyed || !upstream.destroyed) return;
        link.close();
        this.links.delete(link);
      });
    }
  }
}

export function splitHostPort(text: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || port > 0xffff) throw new ApiError(400, `'${text}' is not HOST:PORT`);
  return { host: match[1], port };
}
