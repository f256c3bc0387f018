/**
 * Typed errors. Names follow the original (ReplicationError, ReadOnlyError, ConnectionError,
 * ProtocolError, ChecksumMismatchError); the rest are ours.
 */
export class ReplicationError extends Error {
  override name = 'ReplicationError';
}

export class ReadOnlyError extends ReplicationError {
  override name = 'ReadOnlyError';
}

export class ConnectionError extends ReplicationError {
  override name = 'ConnectionError';
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${message} (${host}:${port})`);
  }
}

/** The peer sent bytes that are not a valid frame. The link is closed and resumed. */
export class ProtocolError extends ReplicationError {
  override name = 'ProtocolError';
}

export class ChecksumMismatchError extends ProtocolError {
  override name = 'ChecksumMismatchError';
}

/** A primary that sent a data frame while the secondary's storage still held more than the window it granted. */
export class WindowExceededError extends ProtocolError {
  override name = 'WindowExceededError';
}

/** A length prefix above frameBytesMax: rejected before any of the frame is buffered. */
export class FrameTooLargeError extends ProtocolError {
  override name = 'FrameTooLargeError';
}

/** A request above a named limit (see limits.ts). Nothing was accepted. */
export class LimitExceededError extends ReplicationError {
  override name = 'LimitExceededError';
}

/**
 * pendingWritesMax writes are waiting for the primary's storage: back-pressure that the storage's
 * next answer relieves. A write held back (BacklogFullError) and released meets it when the release
 * outruns the storage: it stays held, rather than be refused after waiting. A LimitExceededError,
 * as it was before it had a class of its own.
 */
export class PendingWritesFullError extends LimitExceededError {
  override name = 'PendingWritesFullError';
}

/**
 * The primary holds writes back: a secondary that is keeping up with acknowledgements needs the
 * log's whole backlog (replicaBacklogBytesMax), and one more write would cut it off (see
 * Primary.submitWrite). Nothing was accepted; the runtime queues such a write and submits it as the
 * secondary catches up.
 */
export class BacklogFullError extends ReplicationError {
  override name = 'BacklogFullError';
}

/** The storage backend failed an operation. Applying stops until the node resumes. */
export class StorageFailedError extends ReplicationError {
  override name = 'StorageFailedError';
}

/**
 * The storage no longer holds what the node stored in it (a Redis restarted empty, or flushed):
 * never served as if nothing had happened. A secondary forgets its position and resyncs in full;
 * a primary refuses writes, since its storage no longer holds the history it streams.
 */
export class StorageLostError extends StorageFailedError {
  override name = 'StorageLostError';
}

/** A write request that is not a valid operation (empty path, non-integer expiry, ...). */
export class InvalidOperationError extends ReplicationError {
  override name = 'InvalidOperationError';
}

/** The node cannot take this request in its current state (still loading, closed). */
export class NotReadyError extends ReplicationError {
  override name = 'NotReadyError';
}

/** Fewer healthy secondaries than minReplicasToWrite: the write was refused, nothing accepted. */
export class NotEnoughReplicasError extends ReplicationError {
  override name = 'NotEnoughReplicasError';
}

/** A write applied on the primary that not enough secondaries acknowledged in time (it stays written). */
export class ReplicationTimeoutError extends ReplicationError {
  override name = 'ReplicationTimeoutError';
}

/** A persisted operation log that cannot be read as written (docs/OPERATION-LOG.md): the node does not start. */
export class LogCorruptError extends StorageFailedError {
  override name = 'LogCorruptError';
}

/**
 * This primary was deposed: a secondary or a promoted primary showed it a newer fencing epoch.
 * It takes no more writes; its history ended. Rejoin it as a secondary of the new primary.
 */
export class DeposedError extends ReplicationError {
  override name = 'DeposedError';
}

/** A configuration or command-line value that cannot work; nothing was started. */
export class ConfigError extends ReplicationError {
  override name = 'ConfigError';
}
