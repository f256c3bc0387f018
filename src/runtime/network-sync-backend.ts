import {
  DEFAULT_CONTEXT,
  operationOf,
  type ApiCall,
  type ApiMethod,
  type DeleteWithReplicationRequest,
  type FlushScope,
  type StorageContext,
  type WriteWithReplicationRequest,
} from '../core/api-operations.js';
import { InvalidOperationError, NotReadyError, ReadOnlyError } from '../core/errors.js';
import { shown } from '../core/shown.js';
import { promotionOf } from '../core/failover/promotion.js';
import { isExpired, type Entry } from '../core/keyspace.js';
import type { PrimaryStats } from '../core/primary/stats.js';
import type { SecondaryStats } from '../core/secondary/stats.js';
import type { EntryMetadata, StorageBackend } from '../storage/backend.js';
import type { AdminData, ListAnswer, ListQuery } from './admin-data.js';
import { AdminServer } from './admin-server.js';
import { systemNowMs } from './clock.js';
import { resolveConfig, type AdminConfig, type NetworkSyncConfig, type ReplicationMode, type ResolvedConfig } from './config.js';
import { NodeMetrics } from './metrics.js';
import { PrimaryNode } from './primary-node.js';
import type { ReplicatedWriteOptions } from './replica-waits.js';
import { resolveReplicaId } from './replica-id.js';
import type { NodeOptions } from './node-options.js';
import { SecondaryNode } from './secondary-node.js';
import { ConfigError } from '../core/errors.js';
import { LoggedStorage } from '../storage/op-log-file/logged-storage.js';

export interface NetworkSyncBackendOptions {
  readonly baseBackend: StorageBackend;
  readonly mode: ReplicationMode;
  readonly config?: NetworkSyncConfig;
  /**
   * By default the node owns `baseBackend`: close() closes it, and so does a create() that fails.
   * With true the caller keeps it: close() leaves it open, so a node can be started again on the
   * same storage (a MemoryStorage keeps its data), and the caller closes it when done.
   */
  readonly keepBackendOpen?: boolean;
}

// Defined with the translation in the core; exported here as before.
export type { DeleteWithReplicationRequest, StorageContext, WriteWithReplicationRequest };

export type PrimaryReplicationStats = PrimaryStats & {
  /** Writes held back while a secondary that keeps up needs the log's whole backlog (write pacing). */
  heldWrites: number;
  server: { host: string; port: number; running: boolean; activeConnections: number };
};
export type SecondaryReplicationStats = Omit<SecondaryStats, 'primary'> & {
  primary: SecondaryStats['primary'] & { host: string; port: number };
};
export type ReplicationStats = PrimaryReplicationStats | SecondaryReplicationStats;

/** What a promotion made: the new history, its epoch, and the history it continues (null: none). */
export interface Promotion {
  readonly replicationId: string;
  readonly epoch: number;
  readonly previous: { readonly replicationId: string; readonly endSequence: number } | null;
  readonly listenPort: number;
}

/** A primary's persisted log, when it has one, is closed (cleanly) after the node and before the storage. */
type Role = { readonly mode: 'primary'; readonly node: PrimaryNode; readonly log: LoggedStorage | null } | { readonly mode: 'secondary'; readonly node: SecondaryNode };

const READ_ONLY_WRITE = 'Cannot write to secondary replica';
const READ_ONLY_DELETE = 'Cannot delete from secondary replica';
/** The original's messages: deletes and flushes delete, the rest write. */
const READ_ONLY_MESSAGES: Readonly<Record<ApiMethod, string>> = {
  writeWithReplication: READ_ONLY_WRITE,
  deleteWithReplication: READ_ONLY_DELETE,
  setTtl: READ_ONLY_WRITE,
  setTags: READ_ONLY_WRITE,
  flush: READ_ONLY_DELETE,
};

/**
 * The original's NetworkSyncBackend: a storage backend whose primary replicates every write and
 * delete to read-only secondaries. Writes resolve once the primary's storage has applied them;
 * secondaries store every entry under the primary's path.
 */
export class NetworkSyncBackend {
  private context: StorageContext = DEFAULT_CONTEXT;
  private admin: AdminServer | null = null;
  private metrics: NodeMetrics | null = null;
  private closing: Promise<void> | null = null;
  private promoting: Promise<Promotion> | null = null;

  private constructor(
    private role: Role,
    private readonly baseBackend: StorageBackend,
    private readonly config: ResolvedConfig,
    /** Closes the base backend, unless the caller keeps it (keepBackendOpen). */
    private readonly releaseBackend: () => Promise<void>,
  ) {}

  /**
   * Starts a node on `baseBackend`. A primary resolves once it has loaded its storage and listens;
   * a secondary once it holds a consistent copy of the primary's history, or rejects with a
   * ConnectionError after runtimeLimits.startupTimeoutMs (once synced, it retries forever). It
   * owns the base backend from then on (close() closes it, and so does a failed create()), unless
   * `keepBackendOpen` leaves it to the caller.
   */
  static async create(options: NetworkSyncBackendOptions): Promise<NetworkSyncBackend> {
    const releaseBackend = async (): Promise<void> => {
      if (options.keepBackendOpen !== true) await options.baseBackend.close();
    };
    let role: Role;
    let config: ResolvedConfig;
    try {
      config = resolveConfig(options.mode, options.config);
      role = await startRole(config, options.baseBackend, await resolveReplicaId(config.replicaId, config.replicaIdFile));
    } catch (error) {
      await releaseBackend();
      throw error;
    }
    const backend = new NetworkSyncBackend(role, options.baseBackend, config, releaseBackend);
    try {
      if (config.admin !== null) backend.admin = await backend.startAdmin(config.admin);
      if (role.mode === 'secondary') await role.node.waitForSync(config.runtimeLimits.startupTimeoutMs);
    } catch (error) {
      await backend.close();
      throw error;
    }
    return backend;
  }

  get mode(): ReplicationMode {
    return this.role.mode;
  }

  /** Primary: the port it listens on (the ephemeral one when configured with 0). */
  get listenPort(): number | null {
    return this.role.mode === 'primary' ? this.role.node.port : null;
  }

  /** The admin endpoint's port, when one was asked for. */
  get adminPort(): number | null {
    return this.admin?.port ?? null;
  }

  /** Throws InvalidOperationError unless db and namespace are strings: every later write would be refused. */
  setContext(context: StorageContext): void {
    const { db, namespace } = requestOf('setContext', context);
    if (typeof db !== 'string' || typeof namespace !== 'string') throw new InvalidOperationError(`setContext wants db and namespace as strings, got ${shown(db)} and ${shown(namespace)}`);
    this.context = { db, namespace };
  }

  /**
   * Writes `data` at `path` under the current context; replicated like every write. Every write
   * resolves once the primary's storage applied it, or with `replicas.minReplicas` once that many
   * secondaries acknowledged it too (durable on their storage by default), rejecting with
   * ReplicationTimeoutError (the write stays) when they do not in time. Built field by field (an
   * object spread cost about 0.5 µs a write here), and not async: the primary node's promise is
   * returned as it is (see PrimaryNode.write).
   */
  writeData(path: string, data: Uint8Array | string, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    return this.submit({ method: 'writeWithReplication', relativePath: path, data, key: undefined, tags: undefined, ttl: undefined }, replicas);
  }

  // The other calls read their request's fields, which may throw: async, so that it rejects.
  async writeWithReplication(request: WriteWithReplicationRequest, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    const { relativePath, data, key, tags, ttl } = requestOf('writeWithReplication', request);
    await this.submit({ method: 'writeWithReplication', relativePath, data, key, tags, ttl }, replicas);
  }

  async deleteFile(path: string, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    await this.deleteWithReplication({ relativePath: path }, replicas);
  }

  async deleteWithReplication(request: DeleteWithReplicationRequest, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    const { relativePath, key } = requestOf('deleteWithReplication', request);
    await this.submit({ method: 'deleteWithReplication', relativePath, key }, replicas);
  }

  /** Sets an entry's time to live in seconds from now, or with null removes its expiry. */
  async setTtl(path: string, ttl: number | null, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    await this.submit({ method: 'setTtl', path, ttl }, replicas);
  }

  /** Replaces an entry's tags (the original's METADATA operation). */
  async setTags(path: string, tags: readonly string[], replicas: ReplicatedWriteOptions = {}): Promise<void> {
    await this.submit({ method: 'setTags', path, tags }, replicas);
  }

  /** Deletes every entry of a db and namespace; null for either means all of them. */
  async flush(scope: FlushScope, replicas: ReplicatedWriteOptions = {}): Promise<void> {
    const { db, namespace } = requestOf('flush', scope);
    await this.submit({ method: 'flush', db, namespace }, replicas);
  }

  /** The value at `path`, or undefined when there is none or it has expired. */
  async readData(path: string): Promise<Buffer | undefined> {
    const entry = await this.readLive(path);
    return entry === undefined ? undefined : Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength);
  }

  async fileExists(path: string): Promise<boolean> {
    return (await this.metadataLive(path)) !== undefined;
  }

  /** The value's size in bytes, or undefined when there is none or it has expired. */
  async getFileSize(path: string): Promise<number | undefined> {
    return (await this.metadataLive(path))?.sizeBytes;
  }

  /** Key, db, namespace, tags and expiry of the entry at `path` (undefined when none or expired). */
  async getMetadata(path: string): Promise<EntryMetadata | undefined> {
    return this.metadataLive(path);
  }

  /** The core's statistics, plus the original's runtime fields (`server` or `primary`). */
  getReplicationStats(): ReplicationStats {
    if (this.role.mode === 'primary') {
      const node = this.role.node;
      const server = { host: this.config.listenHost, port: node.port, running: node.running, activeConnections: node.activeConnections };
      return { ...node.getStats(), heldWrites: node.heldWrites, server };
    }
    const stats = this.role.node.getStats();
    return { ...stats, primary: { host: this.config.primaryHost, port: this.config.primaryPort, ...stats.primary } };
  }

  /**
   * Manual failover: this secondary stops replicating, lets its storage finish, and becomes a
   * primary on the same storage, listening on listenHost:listenPort. Its history is new (a new
   * id, the next fencing epoch) and continues the one it held, so secondaries re-pointed at it
   * continue without a full resync unless they are ahead of it. Only a secondary is promoted.
   */
  promote(): Promise<Promotion> {
    if (this.closing !== null) return Promise.reject(new NotReadyError('this node is closed'));
    if (this.role.mode === 'primary' && this.promoting === null) return Promise.reject(new NotReadyError('this node is already a primary'));
    this.promoting ??= this.becomePrimary(this.role.node as SecondaryNode);
    return this.promoting;
  }

  private async becomePrimary(secondary: SecondaryNode): Promise<Promotion> {
    const promotion = promotionOf(await secondary.handOver());
    const { listenHost: host, listenPort: port, writeQuorum } = this.config;
    const node = await PrimaryNode.start({ ...nodeOptionsOf(this.config, this.baseBackend), host, port, writeQuorum, promotion });
    // No persisted log until it restarts as a primary: its storage's cursor then starts a new log history (docs/OPERATION-LOG.md).
    this.role = { mode: 'primary', node, log: null };
    if (this.metrics !== null) node.observe(this.metrics);
    const stats = node.getStats();
    const previous = promotion.succeeds?.previous ?? null;
    this.config.logger.warn({ event: 'promoted', replicationId: stats.replicationId, epoch: stats.epoch, previous, port: node.port }, 'promoted to primary');
    return { replicationId: stats.replicationId, epoch: stats.epoch, previous, listenPort: node.port };
  }

  /** Stops the admin endpoint and the node, then closes the base backend unless keepBackendOpen. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async startAdmin(admin: AdminConfig): Promise<AdminServer> {
    const metrics = new NodeMetrics(() => this.getReplicationStats());
    this.metrics = metrics;
    this.role.node.observe(metrics);
    const promote = admin.writes ? () => this.promote() : null;
    const routes = { stats: () => this.getReplicationStats(), registry: metrics.registry, data: this.adminData(admin), promote };
    return AdminServer.start({ host: admin.host, port: admin.port, token: admin.token, limits: this.config.runtimeLimits }, routes, this.config.logger);
  }

  /** The admin endpoint's /data and /list: reads hide expired entries as readData does; writes go through the API. */
  private adminData(admin: AdminConfig): AdminData {
    // Read at each request: a promoted secondary takes writes from then on.
    const role = (): Role => this.role;
    return {
      read: (path) => this.readData(path),
      list: (query, pathsMax) => this.listLive(query, pathsMax),
      get writesRefused(): string | null {
        if (role().mode === 'secondary') return 'this node is a secondary: write to its primary';
        return admin.writes ? null : 'this primary takes no writes through its admin endpoint: start it with adminWrites (nadb-repl primary --admin-writes)';
      },
      valueBytesMax: this.config.limits.valueBytesMax,
      put: (path, data, options) => this.writeWithReplication({ relativePath: path, data, tags: [...options.tags], ttl: options.ttlSeconds ?? undefined }),
      delete: (path) => this.deleteFile(path),
    };
  }

  /**
   * The live paths among the first `pathsMax` stored: one more is asked of the storage to tell
   * whether there are more. An expired entry not yet deleted counts without being answered, so
   * that no number of them makes a request read more.
   */
  private async listLive(query: ListQuery, pathsMax: number): Promise<ListAnswer> {
    const listed = 'tag' in query ? await this.baseBackend.listTagged(query.tag, pathsMax + 1) : await this.baseBackend.list(query.prefix, pathsMax + 1);
    const paths: string[] = [];
    for (const path of listed.slice(0, pathsMax)) if ((await this.metadataLive(path)) !== undefined) paths.push(path);
    return { paths, truncated: listed.length > pathsMax };
  }

  private async shutDown(): Promise<void> {
    await this.admin?.close();
    await this.promoting?.catch(() => undefined);
    await this.role.node.close();
    if (this.role.mode === 'primary') await this.role.log?.closeLog();
    await this.releaseBackend();
  }

  /**
   * Translated at the call: the TTL counts from the moment the user called, which is also the time
   * the primary takes the write at (a clock read costs about 100 ns on this project's VMs). A
   * refused write rejects, never throws.
   */
  private submit(call: ApiCall, replicas: ReplicatedWriteOptions): Promise<void> {
    if (this.role.mode === 'secondary') return Promise.reject(new ReadOnlyError(READ_ONLY_MESSAGES[call.method]));
    try {
      const nowMs = systemNowMs();
      return this.role.node.write(operationOf(call, this.context, nowMs), checkedReplicas(replicas), nowMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Only the primary deletes expired entries (and replicates that); until then reads hide them. */
  private async readLive(path: string): Promise<Entry | undefined> {
    const entry = await this.baseBackend.read(checkedPath(path));
    return entry === undefined || isExpired(entry, systemNowMs()) ? undefined : entry;
  }

  /** What the calls that need no value read: a file's or a Redis value's bytes are not read to learn they exist. */
  private async metadataLive(path: string): Promise<EntryMetadata | undefined> {
    const metadata = await this.baseBackend.metadata(checkedPath(path));
    return metadata === undefined || isExpired(metadata, systemNowMs()) ? undefined : metadata;
  }
}

/** A null passes a parameter's default by: it was a bare TypeError where its first option was read. */
function checkedReplicas(replicas: ReplicatedWriteOptions): ReplicatedWriteOptions {
  if (typeof replicas !== 'object' || replicas === null) throw new InvalidOperationError(`replica options must be an object, got ${shown(replicas)}`);
  return replicas;
}

/** A backend would take another type as a name (memory) or fail deep inside (the filesystem). */
function checkedPath(path: string): string {
  if (typeof path !== 'string') throw new InvalidOperationError(`path must be a string, got ${shown(path)}`);
  return path;
}

/** A call's argument object, refused by name when it is none: destructuring null was a bare TypeError. */
function requestOf<Request extends object>(method: string, request: Request): Request {
  if (typeof request !== 'object' || request === null) throw new InvalidOperationError(`${method} takes an object, got ${shown(request)}`);
  return request;
}

function nodeOptionsOf(config: ResolvedConfig, storage: StorageBackend): NodeOptions {
  const { limits, timing, runtimeLimits, authToken, tls, wireFormat, logger } = config;
  return { storage, limits, timing, runtimeLimits, authToken, tls, wireFormat, logger };
}

async function startRole(config: ResolvedConfig, storage: StorageBackend, replicaId: string): Promise<Role> {
  const shared = nodeOptionsOf(config, storage);
  if (config.mode === 'primary') {
    const log = await openOperationLog(config, storage);
    const primary = { ...shared, storage: log ?? storage, history: log?.history ?? null, host: config.listenHost, port: config.listenPort, writeQuorum: config.writeQuorum };
    try {
      return { mode: 'primary', node: await PrimaryNode.start(primary), log };
    } catch (error) {
      await log?.closeLog();
      throw error;
    }
  }
  return { mode: 'secondary', node: await SecondaryNode.start({ ...shared, replicaId, primaryHost: config.primaryHost, primaryPort: config.primaryPort }) };
}

/** The primary's log where the config or the backend puts it (docs/OPERATION-LOG.md), recovered against the storage. */
async function openOperationLog(config: ResolvedConfig, storage: StorageBackend): Promise<LoggedStorage | null> {
  if (config.operationLog === null) return null;
  const settings = config.operationLog ?? { dir: null, store: null, fsync: 'always' as const, limits: undefined };
  const store = settings.store ?? (settings.dir === null ? (storage.operationLogStore ?? null) : null);
  const dir = store === null ? (settings.dir ?? storage.operationLogDir ?? null) : undefined;
  if (dir === null) {
    if (config.operationLog === undefined) return null;
    throw new ConfigError('operationLog has no dir or store, and this storage has no place of its own for it (FileSystemStorage, AppendOnlyStorage and RedisStorage do)');
  }
  const log = await LoggedStorage.open(storage, { dir, store: store ?? undefined, fsync: settings.fsync, limits: settings.limits, coreLimits: config.limits });
  const { plan, replayed, cutBytes } = log.recovery;
  const fields = { event: 'operationLogRecovered', where: store?.where ?? dir, plan: plan.kind, replayed, cutBytes, sequence: log.history?.lastSequence ?? 0 };
  if (plan.kind === 'continue') config.logger.info(fields, `operation log: continuing history ${log.history?.replicationId} from sequence ${log.history?.lastSequence}`);
  else config.logger.warn(fields, `operation log: a new history begins (${plan.why})`);
  return log;
}
