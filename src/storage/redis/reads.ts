import type { Redis } from 'ioredis';
import { assert } from '../../core/assert.js';
import type { Entry } from '../../core/keyspace.js';
import type { EntryMetadata } from '../backend.js';
import { decodeMetadata, entryMetadataOf, entryOf } from '../stored-json.js';
import { execChecked } from './batch.js';
import type { AreaKeys } from './keys.js';

/** Paths read from the ordered index per round trip of a scan or a listing. */
const SCAN_BATCH_PATHS = 128;

/**
 * KEYS: the metadata hash; ARGV: each path and its value's key. Replies, per path: the metadata
 * JSON or nil, the value's length, and whether its key exists. One call for a batch of paths: as
 * three commands a path, ioredis' handling of each was most of a full resync's CPU on a Redis
 * primary.
 */
const PROBE = `
local replies = {}
for at = 1, #ARGV, 2 do
  replies[#replies + 1] = redis.call('HGET', KEYS[1], ARGV[at])
  replies[#replies + 1] = redis.call('STRLEN', ARGV[at + 1])
  replies[#replies + 1] = redis.call('EXISTS', ARGV[at + 1])
end
return replies
`;

/** As PROBE, the replies per path being the metadata JSON and the value, each or nil. */
const READ = `
local replies = {}
for at = 1, #ARGV, 2 do
  replies[#replies + 1] = redis.call('HGET', KEYS[1], ARGV[at])
  replies[#replies + 1] = redis.call('GET', ARGV[at + 1])
end
return replies
`;

/**
 * Reads of one area. An entry exists when both its metadata and its data key do (batches write
 * both in one MULTI, and no key has a Redis TTL), the same in every read, listing and scan.
 */
export class AreaReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: AreaKeys,
  ) {}

  /** Metadata and value sizes, without the values. */
  async probe(paths: readonly string[]): Promise<(EntryMetadata | undefined)[]> {
    const replies = await this.perPath(PROBE, paths, 3);
    return paths.map((path, index) => {
      const [json, sizeBytes, exists] = replies.slice(index * 3, index * 3 + 3) as [Buffer | null, number, number];
      if (json === null || exists !== 1) return undefined;
      return entryMetadataOf(path, decodeMetadata(json.toString('utf8'), `${this.keys.entries} ${path}`), sizeBytes);
    });
  }

  async read(paths: readonly string[]): Promise<(Entry | undefined)[]> {
    const replies = await this.perPath(READ, paths, 2);
    return paths.map((path, index) => {
      const [json, value] = replies.slice(index * 2, index * 2 + 2) as [Buffer | null, Buffer | null];
      if (json === null || value === null) return undefined;
      const stored = decodeMetadata(json.toString('utf8'), `${this.keys.entries} ${path}`);
      return entryOf(entryMetadataOf(path, stored, value.length), new Uint8Array(value));
    });
  }

  /** Runs a script of `repliesPerPath` replies a path over `paths`, in one call (none for no path). */
  private async perPath(script: string, paths: readonly string[], repliesPerPath: number): Promise<unknown[]> {
    if (paths.length === 0) return [];
    const pathsAndKeys: string[] = [];
    for (const path of paths) pathsAndKeys.push(path, this.keys.data(path));
    const [replies] = await execChecked(this.redis.pipeline().callBuffer('EVAL', [script, 1, this.keys.entries, ...pathsAndKeys]));
    assert(Array.isArray(replies) && replies.length === paths.length * repliesPerPath, 'a script answered another number of replies than it reads paths');
    return replies;
  }

  /** The paths of the entries holding `tag`, in no order; one may come twice (SSCAN's guarantee). */
  async *tagged(tag: string): AsyncGenerator<string> {
    const key = this.keys.tag(tag);
    let cursor = '0';
    do {
      const [next, members] = await this.redis.sscan(key, cursor, 'COUNT', SCAN_BATCH_PATHS);
      const present = await this.probe(members);
      for (const [index, path] of members.entries()) if (present[index]?.tags.includes(tag) === true) yield path;
      cursor = next;
    } while (cursor !== '0');
  }

  /**
   * Existing entries in the index's order (UTF-8 bytes) from `start`, a ZRANGEBYLEX bound:
   * `-`, `(path` (after path) or `[prefix` (from prefix on).
   */
  async *entries(start: string): AsyncGenerator<EntryMetadata> {
    for (let bound = start; ;) {
      const paths = await this.redis.zrangebylex(this.keys.paths, bound, '+', 'LIMIT', 0, SCAN_BATCH_PATHS);
      for (const metadata of await this.probe(paths)) if (metadata !== undefined) yield metadata;
      const last = paths.at(-1);
      if (last === undefined || paths.length < SCAN_BATCH_PATHS) return;
      bound = `(${last}`;
    }
  }
}
