import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { FAULT_PROXY_LIMITS } from './limits.js';
import { FaultProxy } from './proxy.js';
import { asRecord, parseToxic, type Toxic } from './toxic.js';

/** Reported by GET /version: which toxiproxy API this stand-in follows. */
const VERSION = 'nadb-fault-proxy (toxiproxy 2.x API subset)';

type Reply = { readonly status: number; readonly body?: unknown };

/**
 * The stand-in for toxiproxy's HTTP API (all of it but /metrics), with the methods toxiproxy's
 * router takes: updates by POST or PATCH. Errors are answered as toxiproxy does: {error, status}.
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
    if (path === '/version') return allowed(method, ['GET'], () => ({ status: 200, body: { version: VERSION } }));
    if (path === '/reset') return allowed(method, ['POST'], () => this.reset().then(() => ({ status: 204 })));
    if (path === '/populate') return allowed(method, ['POST'], () => this.populate(body));
    if (path === '/proxies') return method === 'POST' ? this.createProxy(body) : allowed(method, ['GET'], () => ({ status: 200, body: this.listProxies() }));
    if (proxyName === undefined) throw new ApiError(404, `no route for ${method} ${path}`);
    const proxy = this.proxy(decodeURIComponent(proxyName));
    if (toxicsSegment === undefined) return this.routeProxy(method, proxy, body);
    if (toxicName === undefined) return method === 'POST' ? this.addToxic(proxy, body) : allowed(method, ['GET'], () => ({ status: 200, body: proxy.toxics }));
    return this.routeToxic(method, proxy, toxic(proxy, decodeURIComponent(toxicName)), body);
  }

  private async routeProxy(method: string, proxy: FaultProxy, body: unknown): Promise<Reply> {
    if (method === 'DELETE') {
      await proxy.setEnabled(false);
      this.proxies.delete(proxy.name);
      return { status: 204 };
    }
    if (method === 'POST' || method === 'PATCH') await updateProxy(proxy, asRecord(body, 'proxy'));
    return allowed(method, ['GET', 'POST', 'PATCH'], () => ({ status: 200, body: proxy.json }));
  }

  private routeToxic(method: string, proxy: FaultProxy, existing: Toxic, body: unknown): Reply {
    if (method === 'DELETE') {
      proxy.removeToxic(existing.name);
      return { status: 204 };
    }
    if (method === 'POST' || method === 'PATCH') {
      // As toxiproxy: only the attributes (merged) and the toxicity change; name, type and stream stay.
      const changes = asRecord(body, 'toxic');
      const attributes = { ...existing.attributes, ...asRecord(changes.attributes ?? {}, 'attributes') };
      proxy.updateToxic(parseToxic({ ...existing, toxicity: changes.toxicity ?? existing.toxicity, attributes }));
    }
    return allowed(method, ['GET', 'POST', 'PATCH'], () => ({ status: 200, body: toxic(proxy, existing.name) }));
  }

  /**
   * Like toxiproxy's /populate: creates the proxies listed, keeps an existing one whose listen and
   * upstream are the same (toxics and all), replaces one that differs. Every entry is checked
   * first; an error stops the list there and is answered with the proxies done so far.
   */
  private async populate(body: unknown): Promise<Reply> {
    if (!Array.isArray(body)) throw new ApiError(400, 'bad request body: a list of proxies is expected');
    const entries = body.map((entry, index) => parsePopulateEntry(entry, index));
    const done: FaultProxy[] = [];
    try {
      for (const entry of entries) done.push(await this.addOrReplace(entry));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      return { status, body: { error: error instanceof Error ? error.message : String(error), status, proxies: done.map((proxy) => proxy.json) } };
    }
    return { status: 201, body: { proxies: done.map((proxy) => proxy.json) } };
  }

  private async addOrReplace({ name, listen, upstream, enabled }: PopulateEntry): Promise<FaultProxy> {
    const existing = this.proxies.get(name);
    if (existing !== undefined) {
      if (existing.json.listen === listen && existing.json.upstream === upstream) return existing;
      await existing.setEnabled(false);
      this.proxies.delete(name);
    }
    return this.addProxy(name, listen, upstream, enabled);
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
    return { status: 201, body: (await this.addProxy(name, listen, upstream, enabled !== false)).json };
  }

  private async addProxy(name: string, listen: string, upstream: string, enabled: boolean): Promise<FaultProxy> {
    if (this.proxies.size >= FAULT_PROXY_LIMITS.proxiesMax) throw new ApiError(400, `at most ${FAULT_PROXY_LIMITS.proxiesMax} proxies`);
    const proxy = await FaultProxy.create(name, listen, upstream, enabled);
    this.proxies.set(name, proxy);
    return proxy;
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

interface PopulateEntry {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

function parsePopulateEntry(entry: unknown, index: number): PopulateEntry {
  const { name, listen, upstream, enabled } = asRecord(entry, `proxy ${index + 1}`);
  if (typeof name !== 'string' || name === '') throw new ApiError(400, `missing required field: name at proxy ${index + 1}`);
  if (typeof upstream !== 'string' || upstream === '') throw new ApiError(400, `missing required field: upstream at proxy ${index + 1}`);
  if (typeof listen !== 'string') throw new ApiError(400, `listen at proxy ${index + 1} must be a HOST:PORT string`);
  return { name, listen, upstream, enabled: enabled !== false };
}

/** As toxiproxy: fields left out keep their value; a new listen or upstream restarts the proxy, closing its connections. */
async function updateProxy(proxy: FaultProxy, changes: Record<string, unknown>): Promise<void> {
  const { listen = proxy.json.listen, upstream = proxy.json.upstream, enabled = proxy.json.enabled } = changes;
  if (typeof listen !== 'string' || typeof upstream !== 'string' || typeof enabled !== 'boolean') throw new ApiError(400, 'listen and upstream must be strings, enabled a boolean');
  await proxy.reconfigure(listen, upstream);
  await proxy.setEnabled(enabled);
}

/** Runs `handle` if the route takes `method`; toxiproxy's router answers any other method 405. */
function allowed<R extends Reply | Promise<Reply>>(method: string, methods: readonly string[], handle: () => R): R {
  if (!methods.includes(method)) throw new ApiError(405, `method ${method} not allowed here`);
  return handle();
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
