import { Toxiproxy } from 'toxiproxy-node-client';
import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedNetwork } from 'testcontainers';
import type { ToxiproxyHandle } from '../cluster/toxiproxy.js';
import { FAULT_PROXY_API_PORT, LOCAL_FAULT_PROXY_IMAGE } from './images.js';

/** A toxiproxy image to use instead of the local stand-in (e.g. ghcr.io/shopify/toxiproxy:2.12.0). */
export const TOXIPROXY_IMAGE_VARIABLE = 'CHAOS_TOXIPROXY_IMAGE';
/** Ports published for proxies, one per link of a cluster (toxiproxy's module uses 8666 on). */
const FIRST_PROXY_PORT = 8666;
export const PROXY_SLOTS = 8;
/** The stand-in's line, or toxiproxy's. */
const READY_LOG = /fault proxy API at|Starting Toxiproxy HTTP server|API HTTP server starting/;
const START_TIMEOUT_MS = 30_000;

export function toxiproxyImage(): string {
  return process.env[TOXIPROXY_IMAGE_VARIABLE] || LOCAL_FAULT_PROXY_IMAGE;
}

/** The network's gateway: the address of this host as a container on it dials it. */
async function gatewayOf(client: ContainerRuntimeClient, network: StartedNetwork): Promise<string> {
  const info = await client.network.getById(network.getId()).inspect();
  const gateway = info.IPAM?.Config?.[0]?.Gateway;
  if (gateway === undefined) throw new Error(`network ${network.getName()} has no gateway: a proxy in it cannot reach the nodes on this host`);
  return gateway;
}

/** toxiproxy (the stand-in's image unless told otherwise) in a container on the lab's network. */
export async function startFaultProxyContainer(client: ContainerRuntimeClient, network: StartedNetwork, labels: Record<string, string>): Promise<ToxiproxyHandle> {
  const image = toxiproxyImage();
  const proxyPorts = Array.from({ length: PROXY_SLOTS }, (_, slot) => FIRST_PROXY_PORT + slot);
  const started = await new GenericContainer(image)
    .withNetwork(network)
    .withLabels(labels)
    .withExposedPorts(FAULT_PROXY_API_PORT, ...proxyPorts)
    .withWaitStrategy(Wait.forLogMessage(READY_LOG))
    .withStartupTimeout(START_TIMEOUT_MS)
    .start();
  const container = client.container.getById(started.getId());
  try {
    const hostAddress = await gatewayOf(client, network);
    return {
      client: new Toxiproxy(`http://127.0.0.1:${started.getMappedPort(FAULT_PROXY_API_PORT)}`),
      provider: `container: ${image} through testcontainers (${started.getId().slice(0, 12)})`,
      hostAddress,
      inLabNetwork: true,
      listenAddress: (slot) => {
        const port = proxyPorts[slot];
        if (port === undefined) return Promise.reject(new Error(`proxy slot ${slot}: the container publishes ${PROXY_SLOTS}`));
        return Promise.resolve({ listen: `0.0.0.0:${port}`, dialPort: started.getMappedPort(port) });
      },
      close: () => container.remove({ force: true, v: true }),
    };
  } catch (error) {
    await container.remove({ force: true, v: true });
    throw error;
  }
}
