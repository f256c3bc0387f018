import type { Redis } from 'ioredis';
import type { Cursor } from '../../core/storage-request.js';
import { encodeCursor } from '../stored-json.js';
import { cursorKey, stagingBegunKey } from './keys.js';

/**
 * Every key of an area, found from its entries HASH (metadata JSON, decoded by Redis' cjson),
 * so the keys are not declared: a standalone server is assumed, not a cluster. A key listed twice
 * or already gone is harmless to the callers.
 */
const AREA_KEYS = `
local function areaKeys(prefix)
  local keys = { prefix .. ':paths', prefix .. ':entries', prefix .. ':ttl' }
  local entries = redis.call('HGETALL', prefix .. ':entries')
  for i = 1, #entries, 2 do
    local record = cjson.decode(entries[i + 1])
    table.insert(keys, prefix .. ':data:' .. entries[i])
    table.insert(keys, prefix .. ':meta:' .. record.db .. ':' .. record.namespace .. ':' .. record.key)
    for _, tag in ipairs(record.tags) do table.insert(keys, prefix .. ':tag:' .. tag) end
  end
  return keys
end
`;

/** ARGV: the area's prefix. */
const CLEAR = `${AREA_KEYS}
for _, key in ipairs(areaKeys(ARGV[1])) do redis.call('DEL', key) end
`;

/**
 * ARGV: live prefix, staging prefix, cursor key, cursor JSON, the staging area's begun key. One
 * script runs atomically, so readers see the old keys or the new ones, and the cursor with them.
 * It runs once per stageBegin: ioredis sends a script again when a closed connection lost its
 * reply, and a second run would delete the live keys the first one installed.
 */
const COMMIT = `${AREA_KEYS}
if redis.call('DEL', ARGV[5]) == 0 then return 0 end
for _, key in ipairs(areaKeys(ARGV[1])) do redis.call('DEL', key) end
local stagedLength = #ARGV[2]
for _, key in ipairs(areaKeys(ARGV[2])) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('RENAME', key, ARGV[1] .. string.sub(key, stagedLength + 1))
  end
end
redis.call('SET', ARGV[3], ARGV[4])
`;

export async function clearArea(redis: Redis, prefix: string): Promise<void> {
  await redis.eval(CLEAR, 0, prefix);
}

/** Replaces the live area with the staged one (live keys absent from it go) and sets the cursor. */
export async function commitStaged(redis: Redis, livePrefix: string, stagedPrefix: string, cursor: Cursor): Promise<void> {
  await redis.eval(COMMIT, 0, livePrefix, stagedPrefix, cursorKey(livePrefix), encodeCursor(cursor), stagingBegunKey(stagedPrefix));
}

/** Removes a staging area, begun or not (a staging area does not survive a restart). */
export async function discardStaging(redis: Redis, stagedPrefix: string): Promise<void> {
  await clearArea(redis, stagedPrefix);
  await redis.del(stagingBegunKey(stagedPrefix));
}

/** Clears the staging area and marks it begun: the next commitStaged installs it, once. */
export async function beginStaging(redis: Redis, stagedPrefix: string): Promise<void> {
  await clearArea(redis, stagedPrefix);
  await redis.set(stagingBegunKey(stagedPrefix), '1');
}
