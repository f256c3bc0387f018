import { ReplicationError } from '../core/errors.js';

/** A configuration or command-line value that cannot work; nothing was started. */
export class ConfigError extends ReplicationError {
  override name = 'ConfigError';
}
