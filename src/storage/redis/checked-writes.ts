import type { ChainableCommander } from 'ioredis';
import { assert } from '../../core/assert.js';
import { GROUPED_MEMBERS_MAX } from './limits.js';
import { packCommands } from './packed-commands.js';

/** The Redis type a key must have (or be absent) for a command to succeed on it; SET and DEL take any. */
type KeyType = 'hash' | 'set' | 'zset';

type Argument = string | Buffer;

/**
 * KEYS: every key a typed command writes; ARGV: the type each must have, then the commands in
 * packs (packed-commands.ts), each command as its name, its argument count and its arguments.
 * Redis runs every command of a MULTI even when one fails, and does not undo a script's writes
 * when a command fails after them: so every type is checked before the first write, and the only
 * way a command fails (WRONGTYPE, as on a key an operator changed by hand) leaves the batch
 * unwritten. A script that has written runs on past an out-of-memory condition, so nothing else
 * stops it halfway; a pack it cannot read fails it before its first write too.
 */
const CHECKED_WRITES = `
for i, key in ipairs(KEYS) do
  local found = redis.call('TYPE', key)['ok']
  if found ~= 'none' and found ~= ARGV[i] then
    return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. found .. ', not a ' .. ARGV[i] .. ': nothing of the batch was written')
  end
end
local packs = {}
for at = #KEYS + 1, #ARGV do
  packs[#packs + 1] = cmsgpack.unpack(ARGV[at])
end
for _, commands in ipairs(packs) do
  local at = 1
  while at <= #commands do
    local argc = tonumber(commands[at + 1])
    redis.call(commands[at], unpack(commands, at + 2, at + 1 + argc))
    at = at + 2 + argc
  end
end
`;

/**
 * A batch's writes, collected with the type of each key they need, then queued as one script
 * that writes all of them or, when a key has another type, none.
 */
export class CheckedWrites {
  private readonly types = new Map<string, KeyType>();
  private readonly commands: Argument[] = [];
  /** By command name and key: the arguments of each field or member, sent as few commands of many. */
  private readonly grouped = new Map<string, { readonly name: string; readonly key: string; readonly perMember: number; readonly args: Argument[] }>();

  set(key: string, value: string | Buffer): this {
    return this.add('SET', null, key, value);
  }

  del(key: string): this {
    return this.add('DEL', null, key);
  }

  hset(key: string, ...fieldsAndValues: string[]): this {
    return this.add('HSET', 'hash', key, ...fieldsAndValues);
  }

  /**
   * The grouped forms, for a field or member that no other command of the batch touches (an
   * index's entry for a path, written once per batch): they go as a few commands of many, after the
   * others, in the order they came.
   */
  hsetOf(key: string, field: string, value: string): this {
    return this.group('HSET', 'hash', key, [field, value]);
  }

  hdelOf(key: string, field: string): this {
    return this.group('HDEL', 'hash', key, [field]);
  }

  zaddOf(key: string, score: number, member: string): this {
    return this.group('ZADD', 'zset', key, [String(score), member]);
  }

  zremOf(key: string, member: string): this {
    return this.group('ZREM', 'zset', key, [member]);
  }

  saddOf(key: string, member: string): this {
    return this.group('SADD', 'set', key, [member]);
  }

  sremOf(key: string, member: string): this {
    return this.group('SREM', 'set', key, [member]);
  }

  /** Queues the script on `transaction`: one command, whose reply is null. */
  queue(transaction: ChainableCommander): void {
    this.addGrouped();
    const keys = [...this.types.keys()];
    const typesAfterKeys: Argument[] = [...keys, ...this.types.values()];
    // One array, never spread into the call: a large batch has more arguments than a call's stack holds.
    transaction.eval(CHECKED_WRITES, keys.length, typesAfterKeys.concat(packCommands(this.commands)));
  }

  private group(name: string, type: KeyType, key: string, memberArgs: Argument[]): this {
    this.checkType(key, type);
    const id = `${name} ${key}`;
    let group = this.grouped.get(id);
    if (group === undefined) {
      group = { name, key, perMember: memberArgs.length, args: [] };
      this.grouped.set(id, group);
    }
    group.args.push(...memberArgs);
    return this;
  }

  private addGrouped(): void {
    for (const { name, key, perMember, args } of this.grouped.values()) {
      const step = perMember * GROUPED_MEMBERS_MAX;
      for (let at = 0; at < args.length; at += step) this.commands.push(name, String(Math.min(step, args.length - at) + 1), key, ...args.slice(at, at + step));
    }
    this.grouped.clear();
  }

  private checkType(key: string, type: KeyType): void {
    // Each key of the layout has one type: a key used as two is a bug here, not in the server.
    assert((this.types.get(key) ?? type) === type, `${key} written as a ${this.types.get(key)} and a ${type}`);
    this.types.set(key, type);
  }

  private add(name: string, type: KeyType | null, key: string, ...args: Argument[]): this {
    if (type !== null) this.checkType(key, type);
    this.commands.push(name, String(args.length + 1), key, ...args);
    return this;
  }
}
