import type { ReplicationEvent } from '../core/output.js';
import type { Logger } from './logger.js';

/**
 * Logs a machine's event at a level that matches how much an operator needs it: per-write events
 * at debug, connection changes at info, every close for a reason other than shutdown at warn.
 */
export function logEvent(logger: Logger, event: ReplicationEvent): void {
  const { kind, ...fields } = event;
  switch (kind) {
    case 'writeApplied':
    case 'replicaAcked':
    case 'applied':
    case 'expired':
    case 'reconnectScheduled':
      logger.debug({ event: kind, ...fields }, kind);
      return;
    case 'connectionClosed':
      if (event.code === 'shutdown' || event.code === 'peer_closed') logger.info({ event: kind, ...fields }, `connection closed: ${event.reason}`);
      else logger.warn({ event: kind, ...fields }, `connection closed (${event.code}): ${event.reason}`);
      return;
    case 'storageFailed':
      logger.error({ event: kind, ...fields }, `storage failed: ${event.message}`);
      return;
    default:
      logger.info({ event: kind, ...fields }, kind);
  }
}
