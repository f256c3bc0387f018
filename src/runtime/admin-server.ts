import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NotReadyError } from '../core/errors.js';
import type { Registry } from 'prom-client';
import { serveData, type AdminData } from './admin-data.js';
import { answer } from './http-answer.js';
import type { RuntimeLimits } from './limits.js';
import type { Logger } from './logger.js';
import { bind, boundPort } from './transport.js';

export interface AdminRoutes {
  /** JSON served at /stats. */
  stats(): unknown;
  /** Prometheus metrics served at /metrics. */
  readonly registry: Registry;
  /** The node's data, read and written at /data/PATH and listed at /list. */
  readonly data: AdminData;
  /** POST /promote: this secondary becomes the primary; null when the node was started without admin writes. */
  readonly promote: (() => Promise<unknown>) | null;
}

export interface AdminOptions {
  readonly host: string;
  readonly port: number;
  /** When set, every request must carry `Authorization: Bearer TOKEN`. */
  readonly token: string | null;
  readonly limits: Pick<RuntimeLimits, 'adminConnectionsMax' | 'adminHeadersTimeoutMs' | 'adminRequestTimeoutMs' | 'adminListPathsMax'>;
}

/**
 * The admin HTTP endpoint: GET (and HEAD, for health probes) /stats and /metrics, the node's data
 * under /data and /list (admin-data.ts). Bounded: connections, the time to send headers and the
 * whole request, and (in admin-data.ts) bodies and listings.
 */
export class AdminServer {
  private constructor(private readonly server: Server) {}

  static async start(options: AdminOptions, routes: AdminRoutes, logger: Logger): Promise<AdminServer> {
    const { adminHeadersTimeoutMs, adminRequestTimeoutMs } = options.limits;
    // Node checks both timeouts on a timer of its own (30 s by default): as often as the shorter needs.
    const timeouts = { headersTimeout: adminHeadersTimeoutMs, requestTimeout: adminRequestTimeoutMs, connectionsCheckingInterval: Math.min(adminHeadersTimeoutMs, 1_000) };
    const server = createServer(timeouts, (request, response) => {
      serve(request, response, routes, options).catch((error: unknown) => {
        logger.warn({ error: String(error), url: request.url }, 'admin request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    server.maxConnections = options.limits.adminConnectionsMax;
    await bind(server, options.host, options.port, 'admin endpoint cannot listen');
    const admin = new AdminServer(server);
    logger.info({ host: options.host, port: admin.port, token: options.token !== null }, 'admin endpoint listening');
    return admin;
  }

  get port(): number {
    return boundPort(this.server);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function serve(request: IncomingMessage, response: ServerResponse, routes: AdminRoutes, options: AdminOptions): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin');
  if (options.token !== null && !bearerMatches(request.headers.authorization, options.token)) {
    answer(response, 401, 'text/plain', 'this admin endpoint wants Authorization: Bearer TOKEN (nadb-repl reads it from NADB_ADMIN_TOKEN)\n', { 'www-authenticate': 'Bearer' });
    return;
  }
  const caller = { mayWrite: mayWrite(options.token, request.socket.remoteAddress) };
  if (await serveData(request, response, url, routes.data, caller, options.limits.adminListPathsMax)) return;
  const method = request.method ?? '';
  if (url.pathname === '/promote') {
    await servePromote(response, method, routes.promote, caller.mayWrite);
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    answer(response, 405, 'text/plain', `${method} is not served at ${url.pathname}\n`, { allow: 'GET, HEAD' });
  } else if (url.pathname === '/stats') {
    answer(response, 200, 'application/json', JSON.stringify(routes.stats()));
  } else if (url.pathname === '/metrics') {
    answer(response, 200, routes.registry.contentType, await routes.registry.metrics());
  } else {
    answer(response, 404, 'text/plain', 'not found: try /stats, /metrics, /data/PATH or /list\n');
  }
}

/**
 * Promotion changes who takes writes: guarded as admin writes are (the node started with them, the
 * caller on this machine or holding the token). 409 when the node cannot be promoted (already a primary).
 */
async function servePromote(response: ServerResponse, method: string, promote: AdminRoutes['promote'], mayWrite: boolean): Promise<void> {
  if (method !== 'POST') {
    answer(response, 405, 'text/plain', `${method} is not served at /promote: POST promotes this secondary\n`, { allow: 'POST' });
  } else if (promote === null) {
    answer(response, 403, 'text/plain', 'this node takes no promotion through its admin endpoint: start it with adminWrites (nadb-repl secondary --admin-writes)\n');
  } else if (!mayWrite) {
    answer(response, 403, 'text/plain', 'promotion is taken from this machine, or from a client that sends the admin token\n');
  } else {
    try {
      answer(response, 200, 'application/json', JSON.stringify(await promote()));
    } catch (error) {
      if (!(error instanceof NotReadyError)) throw error;
      answer(response, 409, 'text/plain', `${error.message}\n`);
    }
  }
}

/** Compared as digests, in constant time, so neither the length nor a prefix of the token leaks. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** A caller may write once it proved the token (checked before this), or without a token from this machine. */
export function mayWrite(token: string | null, remoteAddress: string | undefined): boolean {
  if (token !== null) return true;
  return remoteAddress !== undefined && (remoteAddress === '::1' || remoteAddress.startsWith('127.') || remoteAddress.startsWith('::ffff:127.'));
}
