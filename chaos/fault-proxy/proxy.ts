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

  setUpstream(upstream: string): void {
    // Refused at creation, as toxiproxy does, not at the first connection.
    splitHostPort(upstream);
    this.upstream = upstream;
  }

  addToxic(toxic: Toxic): void {
    if (this.toxicList.some((existing) => existing.name === toxic.name)) throw new ApiError(409, `toxic '${toxic.name}' already exists`);
    if (this.toxicList.length >= FAULT_PROXY_LIMITS.toxicsPerProxyMax) throw new ApiError(400, `at most ${FAULT_PROXY_LIMITS.toxicsPerProxyMax} toxics per proxy`);
    this.replaceToxics([...this.toxicList, toxic]);
  }

  updateToxic(toxic: Toxic): void {
    this.replaceToxics(this.toxicList.map((existing) => (existing.name === toxic.name ? toxic : existing)));
  }

  removeToxic(name: string): boolean {
    const before = this.toxicList.length;
    this.replaceToxics(this.toxicList.filter((toxic) => toxic.name !== name));
    return this.toxicList.length < before;
  }

  private replaceToxics(toxics: Toxic[]): void {
    this.toxicList = toxics;
    for (const link of this.links) link.toxicsChanged();
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
    new Stream(link, 'upstream', client, upstream);
    new Stream(link, 'downstream', upstream, client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => link.close());
      socket.on('close', () => {
        link.close();
        this.links.delete(link);
      });
    }
    link.toxicsChanged();
  }
}

export function splitHostPort(text: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || port > 0xffff) throw new ApiError(400, `'${text}' is not HOST:PORT`);
  return { host: match[1], port };
}
