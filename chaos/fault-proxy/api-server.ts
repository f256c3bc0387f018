import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { FAULT_PROXY_LIMITS } from './limits.js';
import { FaultProxy } from './proxy.js';
import { asRecord, parseToxic, type Toxic } from './toxic.js';

/** Reported by GET /version: which toxiproxy API this stand-in follows. */
const VERSION = 'nadb-fault-proxy (toxiproxy 2.x API subset)';

type Reply = { readonly status: number; readonly body?: unknown };

/**
 * The stand-in for toxiproxy's HTTP API: the subset toxiproxy-node-client uses (no /populate, no
 * /metrics). Errors are answered as toxiproxy does: {error, status}.
 */
export class FaultProxyServer {
  private readonly proxies = new Map<string, FaultProxy>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(host = '127.0.0.1', port = 0): Promise<FaultProxyServer> {
    let api: FaultProxyServer | null = null;
    const server = createServer((request, response) => void api?.serve(request, response));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the API server has no port');
    api = new FaultProxyServer(server, `http://${host}:${address.port}`);
    return api;
  }

  async close(): Promise<void> {
    await this.reset();
    for (const proxy of this.proxies.values()) await proxy.setEnabled(false);
    this.proxies.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(request.method ?? 'GET', new URL(request.url ?? '/', 'http://api').pathname, await readJson(request));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      reply = { status, body: { error: error instanceof Error ? error.message : String(error), status } };
    }
    if (reply.body === undefined) response.writeHead(reply.status).end();
    else response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }

  private async route(method: string, path: string, body: unknown): Promise<Reply> {
    const [, proxyName, toxicsSegment, toxicName] = /^\/proxies(?:\/([^/]+)(?:\/(toxics)(?:\/([^/]+))?)?)?$/.exec(path) ?? [];
    if (path === '/version' && method === 'GET') return { status: 200, body: VERSION };
    if (path === '/reset' && method === 'POST') return this.reset().then(() => ({ status: 204 }));
    if (path === '/proxies') return method === 'POST' ? this.createProxy(body) : { status: 200, body: this.listProxies() };
    if (proxyName === undefined) throw new ApiError(404, `no route for ${method} ${path}`);
    const proxy = this.proxy(decodeURIComponent(proxyName));
    if (toxicsSegment === undefined) return this.routeProxy(method, proxy, body);
    if (toxicName === undefined) return method === 'POST' ? this.addToxic(proxy, body) : { status: 200, body: proxy.toxics };
    return this.routeToxic(method, proxy, toxic(proxy, decodeURIComponent(toxicName)), body);
  }

  private async routeProxy(method: string, proxy: FaultProxy, body: unknown): Promise<Reply> {
    if (method === 'DELETE') {
      await proxy.setEnabled(false);
      this.proxies.delete(proxy.name);
      return { status: 204 };
    }
    if (method === 'POST') await updateProxy(proxy, asRecord(body, 'proxy'));
    return { status: 200, body: proxy.json };
  }

  private routeToxic(method: string, proxy: FaultProxy, existing: Toxic, body: unknown): Reply {
    if (method === 'DELETE') {
      proxy.removeToxic(existing.name);
      return { status: 204 };
    }
    if (method === 'POST') {
      const changes = asRecord(body, 'toxic');
      const attributes = { ...existing.attributes, ...asRecord(changes.attributes ?? {}, 'attributes') };
      proxy.updateToxic(parseToxic({ ...existing, ...changes, name: existing.name, type: existing.type, attributes }));
    }
    return { status: 200, body: toxic(proxy, existing.name) };
  }

  private addToxic(proxy: FaultProxy, body: unknown): Reply {
    const parsed = parseToxic(body);
    proxy.addToxic(parsed);
    return { status: 200, body: parsed };
  }

  private async createProxy(body: unknown): Promise<Reply> {
    const { name, listen, upstream, enabled } = asRecord(body, 'proxy');
    if (typeof name !== 'string' || typeof listen !== 'string' || typeof upstream !== 'string') throw new ApiError(400, 'name, listen and upstream are required strings');
    if (this.proxies.has(name)) throw new ApiError(409, `proxy '${name}' already exists`);
    if (this.proxies.size >= FAULT_PROXY_LIMITS.proxiesMax) throw new ApiError(400, `at most ${FAULT_PROXY_LIMITS.proxiesMax} proxies`);
    const proxy = await FaultProxy.create(name, listen, upstream, enabled !== false);
    this.proxies.set(name, proxy);
    return { status: 201, body: proxy.json };
  }

  private listProxies(): Record<string, unknown> {
    return Object.fromEntries([...this.proxies].map(([name, proxy]) => [name, proxy.json]));
  }

  private proxy(name: string): FaultProxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw new ApiError(404, `proxy not found: ${name}`);
    return proxy;
  }

  /** Like toxiproxy's /reset: every proxy enabled, every toxic removed. */
  private async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      for (const { name } of [...proxy.toxics]) proxy.removeToxic(name);
      await proxy.setEnabled(true);
    }
  }
}

async function updateProxy(proxy: FaultProxy, changes: Record<string, unknown>): Promise<void> {
  if (typeof changes.upstream === 'string') proxy.setUpstream(changes.upstream);
  if (typeof changes.enabled === 'boolean') await proxy.setEnabled(changes.enabled);
}

function toxic(proxy: FaultProxy, name: string): Toxic {
  const found = proxy.toxics.find((candidate) => candidate.name === name);
  if (found === undefined) throw new ApiError(404, `toxic not found: ${name}`);
  return found;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > FAULT_PROXY_LIMITS.requestBodyBytesMax) throw new ApiError(413, `request body over ${FAULT_PROXY_LIMITS.requestBodyBytesMax} bytes`);
    chunks.push(chunk);
  }
  if (bytes === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'the body is not JSON');
  }
}
