/**
 * Runs the stand-in toxiproxy on its own: `tsx chaos/fault-proxy/main.ts [HOST:PORT]` (toxiproxy's
 * default 127.0.0.1:8474). Stops on SIGINT or SIGTERM.
 */
import { FaultProxyServer } from './api-server.js';
import { splitHostPort } from './proxy.js';

const DEFAULT_API = '127.0.0.1:8474';

const { host, port } = splitHostPort(process.argv[2] ?? DEFAULT_API);
const server = await FaultProxyServer.start(host, port);
process.stdout.write(`fault proxy API at ${server.url}\n`);
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await server.close();
