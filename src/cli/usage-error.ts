import { ConfigError } from '../core/errors.js';

/** A command line that cannot work: reported in one line with the usage, exit code 2. */
export class UsageError extends ConfigError {
  override name = 'UsageError';
}
