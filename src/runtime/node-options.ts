import type { WireFormatSetting } from '../core/codec/index.js';
import type { Limits, Timing } from '../core/limits.js';
import type { StorageBackend } from '../storage/backend.js';
import type { RuntimeLimits } from './limits.js';
import type { Logger } from './logger.js';
import type { TlsOptions } from './transport.js';

/** What a primary and a secondary node both need; the node owns `storage` from start() on. */
export interface NodeOptions {
  readonly storage: StorageBackend;
  readonly limits: Partial<Limits>;
  readonly timing: Partial<Timing>;
  readonly runtimeLimits: RuntimeLimits;
  /** A list only on a primary (rotation); a secondary proves one. */
  readonly authToken: string | readonly string[] | null;
  readonly tls: TlsOptions | null;
  readonly wireFormat: WireFormatSetting;
  readonly logger: Logger;
}
