import type { StoredMetadata } from '../stored-json.js';

/** The key prefix of a RedisStorage, and of its operation log, when none is given. */
export const DEFAULT_KEY_PREFIX = 'nadb';

/**
 * The key names of one area: the live data under the configured prefix, or the staging area
 * under `{prefix}:staging`. No key of one area starts with another area's prefix.
 */
export class AreaKeys {
  constructor(readonly prefix: string) {}

  data(path: string): string {
    return `${this.prefix}:data:${path}`;
  }

  meta(stored: Pick<StoredMetadata, 'db' | 'namespace' | 'key'>): string {
    return `${this.prefix}:meta:${stored.db}:${stored.namespace}:${stored.key}`;
  }

  tag(tag: string): string {
    return `${this.prefix}:tag:${tag}`;
  }

  get ttl(): string {
    return `${this.prefix}:ttl`;
  }

  get paths(): string {
    return `${this.prefix}:paths`;
  }

  get entries(): string {
    return `${this.prefix}:entries`;
  }
}

export function cursorKey(prefix: string): string {
  return `${prefix}:cursor`;
}

/** Set by stageBegin, deleted by the commit that installs the staging area: a commit runs once. */
export function stagingBegunKey(stagedPrefix: string): string {
  return `${stagedPrefix}:begun`;
}

export function stagingPrefix(prefix: string): string {
  return `${prefix}:staging`;
}
