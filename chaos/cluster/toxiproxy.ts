import { Toxiproxy } from 'toxiproxy-node-client';
import { freePort } from '../../harness/redis-process.js';
import { FaultProxyServer } from '../fault-proxy/api-server.js';

/** Where a real toxiproxy's API listens (e.g. http://127.0.0.1:8474); unset, the stand-in is started. */
export const TOXIPROXY_URL_VARIABLE = 'CHAOS_TOXIPROXY_URL';
const LOOPBACK = '127.0.0.1';

/** Where one proxy listens, as the proxy sees it, and the port this host's processes dial to reach it. */
export interface ListenAddress {
  readonly listen: string;
  readonly dialPort: number;
}

export interface ToxiproxyHandle {
  readonly client: Toxiproxy;
  /** Which provider serves toxiproxy, in words, for the log and the report. */
  readonly provider: string;
  /** The address of this host as the proxy dials it (a node process listens there). */
  readonly hostAddress: string;
  /** True for a proxy inside the lab's container network, which reaches Redis by its alias. */
  readonly inLabNetwork: boolean;
  /** Where the proxy in `slot` (one per link of a cluster) listens. */
  listenAddress(slot: number): Promise<ListenAddress>;
  close(): Promise<void>;
}

/** A toxiproxy on this host (a real one at CHAOS_TOXIPROXY_URL, or the stand-in in this process): proxies listen on loopback. */
export async function openHostToxiproxy(): Promise<ToxiproxyHandle> {
  const external = process.env[TOXIPROXY_URL_VARIABLE];
  const onHost = async (): Promise<ListenAddress> => {
    const port = await freePort();
    return { listen: `${LOOPBACK}:${port}`, dialPort: port };
  };
  if (external !== undefined && external !== '') {
    return { client: new Toxiproxy(external), provider: `external toxiproxy at ${external} (${TOXIPROXY_URL_VARIABLE})`, hostAddress: LOOPBACK, inLabNetwork: false, listenAddress: onHost, close: async () => undefined };
  }
  const server = await FaultProxyServer.start();
  return { client: new Toxiproxy(server.url), provider: 'process: the stand-in inside the runner', hostAddress: LOOPBACK, inLabNetwork: false, listenAddress: onHost, close: () => server.close() };
}
