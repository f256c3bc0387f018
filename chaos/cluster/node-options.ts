import type { WireFormatSetting } from '../../src/core/codec/index.js';
import type { Limits, Timing } from '../../src/core/limits.js';

/**
 * What a node process is configured with beyond its role, addresses and storage: what a
 * simulator's scenario sets per node. Absent fields keep the lab's defaults (FAST_TIMING, the
 * library's limits and wire format, no token).
 */
export interface NodeOptions {
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  readonly wireFormat?: WireFormatSetting;
  readonly authToken?: string;
}

/** The environment variable that carries a node's options, as JSON, to its process. */
export const NODE_OPTIONS_VARIABLE = 'CHAOS_NODE_OPTIONS';

export function nodeOptionsEnv(options: NodeOptions | undefined): Record<string, string> {
  return options === undefined ? {} : { [NODE_OPTIONS_VARIABLE]: JSON.stringify(options) };
}

/** The options the runner put in the environment; a node process started by hand has none. */
export function nodeOptionsOf(env: NodeJS.ProcessEnv): NodeOptions {
  const text = env[NODE_OPTIONS_VARIABLE];
  return text === undefined || text === '' ? {} : (JSON.parse(text) as NodeOptions);
}
