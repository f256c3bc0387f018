import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { freePort, type RedisServer } from '../../harness/redis-process.js';
import { ChaosNode } from './chaos-node.js';

const HOST = '127.0.0.1';
export const SECONDARY_NAMES = ['secondary-1', 'secondary-2'] as const;
type SecondaryName = (typeof SECONDARY_NAMES)[number];

export interface ClusterOptions {
  readonly scenario: string;
  readonly writes: number;
  readonly maxOperationLog: number;
  /** Storage for secondary-1 (a Redis URL when redis-server runs), or null for fs like the others. */
  readonly secondary1Storage: string | null;
  /** The redis-server secondary-1 stores on, for scenarios that kill it; absent when secondary-1 stores on fs. */
  readonly secondary1Redis?: RedisServer;
}

/** A primary on fs storage and two secondaries, each reaching the primary through its own proxy. */
export class Cluster {
  private started: ChaosNode | null = null;
  private readonly members: { readonly node: ChaosNode; readonly link: Proxy }[] = [];

  private constructor(
    private readonly dir: string,
    private readonly options: ClusterOptions,
  ) {}

  /** Starts every node; a cluster that fails half-way is taken down again before the error is thrown. */
  static async start(toxiproxy: Toxiproxy, options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(await mkdtemp(join(tmpdir(), `nadb-chaos-${options.scenario}-`)), options);
    try {
      const primaryPort = await cluster.startPrimary();
      for (const name of SECONDARY_NAMES) await cluster.startSecondary(toxiproxy, name, primaryPort);
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

  get secondary1Redis(): RedisServer | null {
    return this.options.secondary1Redis ?? null;
  }

  get secondaries(): readonly ChaosNode[] {
    return this.members.map((member) => member.node);
  }

  /** A secondary and its link to the primary. */
  secondary(name: SecondaryName): { readonly node: ChaosNode; readonly link: Proxy } {
    const member = this.members[SECONDARY_NAMES.indexOf(name)];
    if (member === undefined) throw new Error(`the cluster has no ${name}`);
    return member;
  }

  async stopNodes(): Promise<void> {
    await Promise.all([this.started, ...this.secondaries].map((node) => node?.stop()));
  }

  async dispose(): Promise<void> {
    await this.stopNodes();
    for (const { link } of this.members) await link.remove();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async startPrimary(): Promise<number> {
    const port = await freePort();
    const storage = `fs:${join(this.dir, 'primary')}`;
    const adminPort = await freePort();
    const args = ['primary', String(port), String(adminPort), storage, String(this.options.maxOperationLog), String(this.options.writes)];
    this.started = new ChaosNode('primary', storage, adminPort, args);
    await this.started.start();
    return port;
  }

  private async startSecondary(toxiproxy: Toxiproxy, name: SecondaryName, primaryPort: number): Promise<void> {
    const proxyName = `${this.options.scenario}-${name}`;
    const link = await createLink(toxiproxy, proxyName, primaryPort);
    const storage = name === 'secondary-1' && this.options.secondary1Storage !== null ? this.options.secondary1Storage : `fs:${join(this.dir, name)}`;
    const adminPort = await freePort();
    const node = new ChaosNode(name, storage, adminPort, ['secondary', link.listen.split(':')[1] ?? '', String(adminPort), storage, proxyName]);
    this.members.push({ node, link });
    await node.start();
  }
}

/** A fresh proxy on a free port; one left over by an earlier run against a real toxiproxy is replaced. */
async function createLink(toxiproxy: Toxiproxy, name: string, primaryPort: number): Promise<Proxy> {
  const existing = await toxiproxy.getAll();
  await existing[name]?.remove();
  return toxiproxy.createProxy({ name, listen: `${HOST}:${await freePort()}`, upstream: `${HOST}:${primaryPort}`, enabled: true });
}
