/** Public API. The runtime (TCP, storage backends, NetworkSyncBackend) builds on these. */
export { DEFAULT_CONTEXT, operationOf, type ApiCall, type ApiData, type ApiMethod, type FlushScope } from './core/api-operations.js';
export { AssertionError } from './core/assert.js';
export { primaryProof, proofsEqual, secondaryProof, type AuthNonces } from './core/auth.js';
export { portableHmacSha256Hex, useHmacSha256, type HmacSha256Hex } from './core/hmac.js';
export { backoffDelayMs, type BackoffOptions } from './core/backoff.js';
export {
  BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, decodeFrameBody, encodeFrame, FrameDecoder, operationWireBytesMax, type BinaryWireFormat, type WireFormat,
  type WireFormatSetting,
} from './core/codec/index.js';
export {
  BacklogFullError,
  ChecksumMismatchError,
  ConfigError,
  ConnectionError,
  DeposedError,
  FrameTooLargeError,
  InvalidOperationError,
  LimitExceededError,
  LogCorruptError,
  NotEnoughReplicasError,
  NotReadyError,
  PendingWritesFullError,
  ProtocolError,
  ReadOnlyError,
  ReplicationError,
  ReplicationTimeoutError,
  StorageFailedError,
  StorageLostError,
  WindowExceededError,
} from './core/errors.js';
export type { ErrorCode, Frame, FrameKind } from './core/frame.js';
export { isExpired, Keyspace, type Entry, type ScanPage, type ScanRequest } from './core/keyspace.js';
export { KeyspaceStore } from './core/keyspace-store.js';
export { DEFAULT_LIMITS, DEFAULT_TIMING, PROTOCOL_VERSION, type Limits, type Timing } from './core/limits.js';
export { OperationLog } from './core/op-log.js';
export type {
  DeleteOperation,
  FlushOperation,
  LogEntry,
  MetadataOperation,
  Operation,
  OperationType,
  SetOperation,
  SetTtlOperation,
} from './core/operation.js';
export type { Output, ReplicationEvent, StateMachine } from './core/output.js';
export { Primary, type PrimaryOptions } from './core/primary/primary.js';
export type { PrimaryStats, ReplicaStats } from './core/primary/stats.js';
export { pump, type Effects } from './core/pump.js';
export type { Random } from './core/random.js';
export { Secondary, type SecondaryOptions } from './core/secondary/secondary.js';
export type { SecondaryStats } from './core/secondary/stats.js';
export type { Cursor, StorageRequest, StorageResult } from './core/storage-request.js';
export type { EntryMetadata, StorageBackend } from './storage/backend.js';
export { executeRequest } from './storage/execute.js';
export { MemoryStorage } from './storage/memory.js';
export { FileSystemStorage, type FileSystemStorageOptions } from './storage/filesystem.js';
export { AppendOnlyStorage, type AppendOnlyStorageOptions } from './storage/append-only.js';
export { RedisStorage, type RedisStorageOptions } from './storage/redis.js';
export { DEFAULT_PORT, type NetworkSyncConfig, type ReplicationMode } from './runtime/config.js';
export { DEFAULT_RUNTIME_LIMITS, type RuntimeLimits } from './runtime/limits.js';
export type { LogLevel, Logger } from './runtime/logger.js';
export {
  NetworkSyncBackend,
  type DeleteWithReplicationRequest,
  type NetworkSyncBackendOptions,
  type PrimaryReplicationStats,
  type ReplicationStats,
  type SecondaryReplicationStats,
  type StorageContext,
  type WriteWithReplicationRequest,
} from './runtime/network-sync-backend.js';
export { INSECURE_LISTEN_WARNING_CODE } from './runtime/primary-node.js';
export type { ReplicatedWriteOptions } from './runtime/replica-waits.js';
export type { TlsOptions } from './runtime/transport.js';
