import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { bind, boundPort } from './transport.js';

export interface AdminRoutes {
  /** JSON served at /stats. */
  stats(): unknown;
  /** Prometheus metrics served at /metrics. */
  readonly registry: Registry;
}

/** The admin HTTP endpoint: GET /stats (JSON) and GET /metrics (Prometheus text). */
export class AdminServer {
  private constructor(private readonly server: Server) {}

  static async start(host: string, port: number, routes: AdminRoutes, logger: Logger): Promise<AdminServer> {
    const server = createServer((request, response) => {
      serve(request, response, routes).catch((error: unknown) => {
        logger.warn({ error: String(error), url: request.url }, 'admin request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    await bind(server, host, port, 'admin endpoint cannot listen');
    const admin = new AdminServer(server);
    logger.info({ host, port: admin.port }, 'admin endpoint listening');
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

async function serve(request: IncomingMessage, response: ServerResponse, routes: AdminRoutes): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://admin').pathname;
  if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET' }).end();
  } else if (path === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(routes.stats()));
  } else if (path === '/metrics') {
    const body = await routes.registry.metrics();
    response.writeHead(200, { 'content-type': routes.registry.contentType }).end(body);
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /stats or /metrics\n');
  }
}
