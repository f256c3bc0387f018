import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Proxy } from 'toxiproxy-node-client';
import { freePort } from '../../harness/redis-process.js';
import type { Lab } from '../lab.js';
import { PROXY_SLOTS } from '../containers/fault-proxy-container.js';
import { ChaosNode } from './chaos-node.js';
import type { NodeOptions } from './node-options.js';

const LOOPBACK = '127.0.0.1';
export type SecondaryName = `secondary-${number}`;
/** The nodes that may store on Redis: secondary-1 whenever there is a Redis, the primary when a scenario asks. */
export type RedisNodeName = 'secondary-1' | 'primary';
/** Two secondaries unless a scenario asks for another number. */
export const SECONDARIES_DEFAULT = 2;
/** One proxy slot per link, so that a proxy container publishes a fixed set of ports; secondaries past the second take the slots after Redis'. */
const REDIS_SLOTS: Readonly<Record<RedisNodeName, number>> = { 'secondary-1': 2, primary: 3 };
/** The most secondaries a cluster has: the proxy container's slots less the two Redis links. */
export const SECONDARIES_MAX = PROXY_SLOTS - Object.keys(REDIS_SLOTS).length;

export function secondaryName(index: number): SecondaryName {
  return `secondary-${index + 1}`;
}

function secondarySlot(index: number): number {
  return index < 2 ? index : index + Object.keys(REDIS_SLOTS).length;
}
/** Each Redis-backed node has its own database, emptied when the cluster starts. */
const REDIS_DATABASES: Readonly<Record<RedisNodeName, number>> = { 'secondary-1': 1, primary: 2 };

export interface ClusterOptions {
  readonly scenario: string;
  readonly writes: number;
  readonly maxOperationLog: number;
  /** The nodes that store on the lab's Redis, each through its own proxy; the others store on fs. */
  readonly redisNodes: readonly RedisNodeName[];
  /** SECONDARIES_DEFAULT when absent, at most SECONDARIES_MAX. */
  readonly secondaries?: number;
  /** What every node process is configured with beyond its role (node-options.ts); the lab's defaults when absent. */
  readonly nodeOptions?: (name: string) => NodeOptions;
}

interface Link {
  readonly node: ChaosNode;
  readonly link: Proxy;
}

/** A primary and two secondaries; each secondary reaches the primary, and each Redis-backed node its Redis, through its own proxy. */
export class Cluster {
  private started: ChaosNode | null = null;
  private readonly members: Link[] = [];
  private readonly redisLinks = new Map<RedisNodeName, Proxy>();

  private constructor(
    private readonly dir: string,
    private readonly lab: Lab,
    private readonly options: ClusterOptions,
  ) {}

  /** Starts every node; a cluster that fails half-way is taken down again before the error is thrown. */
  static async start(lab: Lab, options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(await mkdtemp(join(tmpdir(), `nadb-chaos-${options.scenario}-`)), lab, options);
    const secondaries = options.secondaries ?? SECONDARIES_DEFAULT;
    try {
      if (!Number.isInteger(secondaries) || secondaries < 1 || secondaries > SECONDARIES_MAX) throw new RangeError(`a cluster has 1 to ${SECONDARIES_MAX} secondaries, not ${secondaries}`);
      const primaryPort = await cluster.startPrimary();
      for (let index = 0; index < secondaries; index += 1) await cluster.startSecondary(index, primaryPort);
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  get primary(): ChaosNode {
    if (this.started === null) throw new Error('the primary has not started');
    return this.started;
  }

  get secondaries(): readonly ChaosNode[] {
    return this.members.map((member) => member.node);
  }

  /** A secondary and its link to the primary. */
  secondary(name: SecondaryName): Link {
    const member = this.members.find((candidate) => candidate.node.name === name);
    if (member === undefined) throw new Error(`the cluster has no ${name}`);
    return member;
  }

  /** The proxy between `name` and its Redis. */
  redisLink(name: RedisNodeName): Proxy {
    const link = this.redisLinks.get(name);
    if (link === undefined) throw new Error(`${name} does not store on Redis in this scenario`);
    return link;
  }

  async stopNodes(): Promise<void> {
    await Promise.all([this.started, ...this.secondaries].map((node) => node?.stop()));
  }

  async dispose(): Promise<void> {
    await this.stopNodes();
    for (const link of [...this.members.map((member) => member.link), ...this.redisLinks.values()]) await link.remove();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async startPrimary(): Promise<number> {
    const port = await freePort();
    const storage = await this.storageOf('primary');
    const adminPort = await freePort();
    // The proxies dial the primary at the lab's address of this host (a container network's gateway, or loopback).
    const listen = `${this.lab.toxiproxy.hostAddress}:${port}`;
    const args = ['primary', listen, String(adminPort), storage, String(this.options.maxOperationLog), String(this.options.writes)];
    this.started = new ChaosNode('primary', storage, adminPort, args, this.options.nodeOptions?.('primary'));
    await this.started.start();
    return port;
  }

  private async startSecondary(index: number, primaryPort: number): Promise<void> {
    const name = secondaryName(index);
    const proxyName = `${this.options.scenario}-${name}`;
    const { link, dialPort } = await this.createLink(proxyName, secondarySlot(index), `${this.lab.toxiproxy.hostAddress}:${primaryPort}`);
    const storage = await this.storageOf(name);
    const adminPort = await freePort();
    const args = ['secondary', `${LOOPBACK}:${dialPort}`, String(adminPort), storage, proxyName];
    const node = new ChaosNode(name, storage, adminPort, args, this.options.nodeOptions?.(name));
    this.members.push({ node, link });
    await node.start();
  }

  /** fs in the cluster's directory, or an emptied Redis database behind a proxy of its own. */
  private async storageOf(name: RedisNodeName | SecondaryName): Promise<string> {
    const redisNode = this.options.redisNodes.find((candidate) => candidate === name);
    if (redisNode === undefined) return `fs:${join(this.dir, name)}`;
    if (this.lab.redisUpstream === null) throw new Error(`${name} stores on Redis in this scenario, and the lab has no Redis (${this.lab.providers.redis})`);
    const { link, dialPort } = await this.createLink(`${this.options.scenario}-${name}-redis`, REDIS_SLOTS[redisNode], this.lab.redisUpstream);
    this.redisLinks.set(redisNode, link);
    const url = `redis://${LOOPBACK}:${dialPort}/${REDIS_DATABASES[redisNode]}`;
    await flushDatabase(url);
    return url;
  }

  /** A fresh proxy; one left over by an earlier run against a real toxiproxy is replaced. */
  private async createLink(name: string, slot: number, upstream: string): Promise<{ readonly link: Proxy; readonly dialPort: number }> {
    const { client } = this.lab.toxiproxy;
    const existing = await client.getAll();
    await existing[name]?.remove();
    const { listen, dialPort } = await this.lab.toxiproxy.listenAddress(slot);
    return { link: await client.createProxy({ name, listen, upstream, enabled: true }), dialPort };
  }
}

/** Scenarios share one Redis: each starts on empty databases. */
async function flushDatabase(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
