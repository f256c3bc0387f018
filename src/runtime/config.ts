import { AssertionError } from '../core/assert.js';
import { WIRE_FORMAT_SETTINGS, type WireFormatSetting } from '../core/codec/index.js';
import {
  AUTH_TOKENS_MAX, DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_TIMING, validateLimits, validatePersistedLogLimits, validateTiming,
  type Limits, type PersistedLogLimits, type Timing,
} from '../core/limits.js';
import { LOG_FSYNC_POLICIES, type LogFsyncPolicy } from '../core/log-persistence/recovery.js';
import type { LogStore } from '../storage/op-log-file/log-store.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_RUNTIME_LIMITS, type RuntimeLimits } from './limits.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import type { TlsOptions } from './transport.js';

export type ReplicationMode = 'primary' | 'secondary';

/**
 * The original's configuration keys in camelCase, with its defaults, plus ours. Time is in the
 * original's units where the key is the original's (heartbeatInterval in seconds), else in ms.
 */
export interface NetworkSyncConfig {
  /** The original repeated the mode here; when given it must agree with create()'s. */
  readonly mode?: ReplicationMode;
  /** Primary: bind address (default '0.0.0.0'). */
  readonly listenHost?: string;
  /** Primary: port (default 9000; 0 for an ephemeral port, see `listenPort` on the backend). */
  readonly listenPort?: number;
  /** Heartbeat period on an idle link, in seconds (default 5). */
  readonly heartbeatInterval?: number;
  /**
   * Operations the primary keeps for resuming secondaries (default 10000). Writes waiting for
   * storage are in the log already, so this also bounds them: pendingWritesMax defaults to
   * min(10000, maxOperationLog) and may not exceed it. A burst larger than that gets
   * LimitExceededError for the writes beyond it: raise maxOperationLog (or lower the burst).
   */
  readonly maxOperationLog?: number;
  /** Always true here: sending never blocks writers; false is refused. */
  readonly broadcastAsync?: boolean;
  /** Secondary: the primary's host (required). */
  readonly primaryHost?: string;
  /** Secondary: the primary's port (default 9000). */
  readonly primaryPort?: number;
  /** Secondary: its persistent id. Default: read from `replicaIdFile`, else a new random one. */
  readonly replicaId?: string;
  /** Secondary: a file holding its id, created on first start: keeps the id across restarts. */
  readonly replicaIdFile?: string;
  /**
   * A shared secret each side proves to the other (docs/PROTOCOL.md, Authentication). A primary
   * may take a list (at most 8): any one admits a secondary, so tokens rotate without a stop.
   */
  readonly authToken?: string | readonly string[];
  /**
   * Primary: refuse writes (NotEnoughReplicasError) while fewer secondaries than this stream and
   * were heard from within minReplicasMaxLagMs (default 10,000), as Redis' min-replicas-to-write.
   */
  readonly minReplicasToWrite?: number;
  readonly minReplicasMaxLagMs?: number;
  /**
   * TLS on the replication link (primary: key and cert; secondary: ca). Mutual TLS: the primary
   * adds requestCert and the ca that signs secondaries' certificates, each secondary its key and cert.
   */
  readonly tls?: TlsOptions;
  /**
   * The data frames' format (default 'binary'): a secondary offers binary frames, a primary accepts
   * the offer; 'json' keeps the original's JSON frames on this node's links. Either setting
   * interoperates with either: a link is binary only when both ends say 'binary'.
   */
  readonly wireFormat?: WireFormatSetting;
  /** The core's limits (src/core/limits.ts); maxOperationLog sets logEntriesMax. */
  readonly limits?: Partial<Limits>;
  /** The core's timing; heartbeatInterval sets heartbeatIntervalMs unless given here. */
  readonly timing?: Partial<Timing>;
  readonly runtimeLimits?: Partial<RuntimeLimits>;
  /** pino level (default 'silent'). */
  readonly logLevel?: LogLevel;
  /** A pino logger to use instead of a new one. */
  readonly logger?: Logger;
  /** Serve /stats and /metrics over HTTP on this port (0: ephemeral); none when absent. */
  readonly adminPort?: number;
  /** Admin endpoint bind address (default '127.0.0.1'). */
  readonly adminHost?: string;
  /** When set, every admin request must carry `Authorization: Bearer <adminToken>`. */
  readonly adminToken?: string;
  /**
   * A primary takes writes (PUT and DELETE under /data) through its admin endpoint: from loopback
   * clients, or from any client that proves adminToken. Off by default.
   */
  readonly adminWrites?: boolean;
  /**
   * Primary: where its operation log is persisted (docs/OPERATION-LOG.md), so that a restart
   * continues the same history and secondaries resume from the log. Default: beside the data for
   * FileSystemStorage and AppendOnlyStorage, none for the others; null: none.
   */
  readonly operationLog?: OperationLogConfig | null;
}

export interface OperationLogConfig {
  /** Default: the backend's place for it (FileSystemStorage, AppendOnlyStorage); for others, dir or store. */
  readonly dir?: string;
  /** Another place for it: `redisLogStore({ url })` beside a RedisStorage (whose server then sets the policy). */
  readonly store?: LogStore;
  /** Default 'always': a restart after any crash continues the history. */
  readonly fsync?: LogFsyncPolicy;
  readonly limits?: Partial<PersistedLogLimits>;
}

export interface ResolvedOperationLog {
  /** Both null: the backend's place. */
  readonly dir: string | null;
  readonly store: LogStore | null;
  readonly fsync: LogFsyncPolicy;
  readonly limits: PersistedLogLimits;
}

export interface ResolvedConfig {
  readonly mode: ReplicationMode;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly primaryHost: string;
  readonly primaryPort: number;
  readonly replicaId: string | null;
  readonly replicaIdFile: string | null;
  readonly authToken: string | readonly string[] | null;
  readonly writeQuorum: { readonly minReplicasToWrite?: number; readonly minReplicasMaxLagMs?: number };
  readonly tls: TlsOptions | null;
  readonly wireFormat: WireFormatSetting;
  readonly limits: Limits;
  readonly timing: Timing;
  readonly runtimeLimits: RuntimeLimits;
  readonly logger: Logger;
  readonly admin: AdminConfig | null;
  /** undefined: the backend's default place, if it has one. */
  readonly operationLog: ResolvedOperationLog | null | undefined;
}

export interface AdminConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  readonly writes: boolean;
}

export const DEFAULT_PORT = 9000;
const MS_PER_SECOND = 1000;

/** Applies the defaults and checks every value; throws ConfigError naming the first bad one. */
export function resolveConfig(mode: ReplicationMode, config: NetworkSyncConfig = {}): ResolvedConfig {
  if (mode !== 'primary' && mode !== 'secondary') throw new ConfigError(`mode must be 'primary' or 'secondary', got ${String(mode)}`);
  if (config.mode !== undefined && config.mode !== mode) throw new ConfigError(`config.mode '${config.mode}' disagrees with mode '${mode}'`);
  if (config.broadcastAsync === false) throw new ConfigError('broadcastAsync: false is not supported: replication never blocks writers');
  if (mode === 'secondary' && config.primaryHost === undefined) throw new ConfigError('primaryHost is required for a secondary');
  return {
    mode,
    listenHost: config.listenHost ?? '0.0.0.0',
    listenPort: port('listenPort', config.listenPort ?? DEFAULT_PORT),
    primaryHost: config.primaryHost ?? '',
    primaryPort: port('primaryPort', config.primaryPort ?? DEFAULT_PORT),
    replicaId: config.replicaId === undefined ? null : nonEmpty('replicaId', config.replicaId),
    replicaIdFile: config.replicaIdFile ?? null,
    authToken: authTokenOf(mode, config.authToken),
    writeQuorum: writeQuorumOf(config),
    tls: tlsOf(mode, config.tls),
    wireFormat: wireFormat(config.wireFormat ?? 'binary'),
    limits: checked(() => resolveLimits(config)),
    timing: checked(() => resolveTiming(config)),
    runtimeLimits: { ...DEFAULT_RUNTIME_LIMITS, ...config.runtimeLimits },
    logger: config.logger ?? createLogger(config.logLevel),
    admin: adminOf(config),
    operationLog: operationLogOf(config.operationLog),
  };
}

function operationLogOf(config: OperationLogConfig | null | undefined): ResolvedOperationLog | null | undefined {
  if (config === null || config === undefined) return config;
  const fsync = config.fsync ?? 'always';
  if (!LOG_FSYNC_POLICIES.includes(fsync)) throw new ConfigError(`operationLog.fsync must be one of ${LOG_FSYNC_POLICIES.join(', ')}, got ${String(fsync)}`);
  if (config.dir !== undefined && (typeof config.dir !== 'string' || config.dir.length === 0)) throw new ConfigError('operationLog.dir must be a directory');
  if (config.dir !== undefined && config.store !== undefined) throw new ConfigError('operationLog takes a dir or a store, not both');
  const limits = { ...DEFAULT_PERSISTED_LOG_LIMITS, ...config.limits };
  checked(() => validatePersistedLogLimits(limits));
  return { dir: config.dir ?? null, store: config.store ?? null, fsync, limits };
}

function adminOf(config: NetworkSyncConfig): AdminConfig | null {
  if (config.adminPort === undefined) return null;
  if (config.adminToken === '') throw new ConfigError('adminToken must not be empty: leave it out for no token');
  return { host: config.adminHost ?? '127.0.0.1', port: port('adminPort', config.adminPort), token: config.adminToken ?? null, writes: config.adminWrites ?? false };
}

function resolveLimits(config: NetworkSyncConfig): Limits {
  const logEntriesMax = config.maxOperationLog ?? DEFAULT_LIMITS.logEntriesMax;
  // A smaller log needs a smaller burst of pending writes (the core requires pending <= log).
  const derived = { logEntriesMax, pendingWritesMax: Math.min(DEFAULT_LIMITS.pendingWritesMax, logEntriesMax) };
  const limits = { ...DEFAULT_LIMITS, ...derived, ...config.limits };
  validateLimits(limits);
  return limits;
}

function resolveTiming(config: NetworkSyncConfig): Timing {
  const heartbeatIntervalMs = Math.round((config.heartbeatInterval ?? DEFAULT_TIMING.heartbeatIntervalMs / MS_PER_SECOND) * MS_PER_SECOND);
  const timing = { ...DEFAULT_TIMING, heartbeatIntervalMs, ...config.timing };
  validateTiming(timing);
  return timing;
}

/** The core states its limits as assertions; here they are the user's mistake. */
function checked<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof AssertionError) throw new ConfigError(error.message);
    throw error;
  }
}

function port(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff) throw new ConfigError(`${name} must be an integer from 0 to 65535, got ${value}`);
  return value;
}

function wireFormat(value: WireFormatSetting): WireFormatSetting {
  if (!WIRE_FORMAT_SETTINGS.includes(value)) throw new ConfigError(`wireFormat must be one of ${WIRE_FORMAT_SETTINGS.join(', ')}, got ${String(value)}`);
  return value;
}

function authTokenOf(mode: ReplicationMode, token: string | readonly string[] | undefined): string | readonly string[] | null {
  if (token === undefined) return null;
  if (typeof token === 'string') return nonEmpty('authToken', token);
  if (mode !== 'primary') throw new ConfigError('authToken of a secondary is one token: only a primary takes a list');
  if (!Array.isArray(token) || token.length === 0 || token.length > AUTH_TOKENS_MAX || !token.every((each) => typeof each === 'string' && each.length > 0)) {
    throw new ConfigError(`authToken must be a non-empty string, or a list of 1 to ${AUTH_TOKENS_MAX} of them`);
  }
  return token;
}

function tlsOf(mode: ReplicationMode, tls: TlsOptions | undefined): TlsOptions | null {
  if (tls === undefined) return null;
  if (mode === 'primary' && (tls.key === undefined || tls.cert === undefined)) throw new ConfigError('tls on a primary needs key and cert');
  if (tls.requestCert === true && mode !== 'primary') throw new ConfigError('tls.requestCert is the primary\'s: a secondary gives its own key and cert');
  if (tls.requestCert === true && tls.ca === undefined) throw new ConfigError('tls.requestCert needs tls.ca: the authority that signs the secondaries\' certificates');
  if ((tls.key === undefined) !== (tls.cert === undefined)) throw new ConfigError('tls.key and tls.cert go together');
  return tls;
}

function nonEmpty(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${name} must be a non-empty string`);
  return value;
}

function writeQuorumOf(config: NetworkSyncConfig): ResolvedConfig['writeQuorum'] {
  const { minReplicasToWrite, minReplicasMaxLagMs } = config;
  if (minReplicasToWrite !== undefined && !(Number.isSafeInteger(minReplicasToWrite) && minReplicasToWrite >= 0)) {
    throw new ConfigError(`minReplicasToWrite must be a non-negative integer, got ${minReplicasToWrite}`);
  }
  if (minReplicasMaxLagMs !== undefined && !(Number.isSafeInteger(minReplicasMaxLagMs) && minReplicasMaxLagMs > 0)) {
    throw new ConfigError(`minReplicasMaxLagMs must be a positive integer, got ${minReplicasMaxLagMs}`);
  }
  return {
    ...(minReplicasToWrite === undefined ? {} : { minReplicasToWrite }),
    ...(minReplicasMaxLagMs === undefined ? {} : { minReplicasMaxLagMs }),
  };
}
