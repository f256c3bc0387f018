import { Toxiproxy } from 'toxiproxy-node-client';
import { FaultProxyServer } from '../fault-proxy/api-server.js';

/** Where a real toxiproxy's API listens (e.g. http://127.0.0.1:8474); unset, the stand-in is started. */
export const TOXIPROXY_URL_VARIABLE = 'CHAOS_TOXIPROXY_URL';

export interface ToxiproxyHandle {
  readonly client: Toxiproxy;
  readonly kind: 'stand-in' | 'external';
  close(): Promise<void>;
}

export async function openToxiproxy(): Promise<ToxiproxyHandle> {
  const external = process.env[TOXIPROXY_URL_VARIABLE];
  if (external !== undefined && external !== '') {
    return { client: new Toxiproxy(external), kind: 'external', close: async () => undefined };
  }
  const server = await FaultProxyServer.start();
  return { client: new Toxiproxy(server.url), kind: 'stand-in', close: () => server.close() };
}
