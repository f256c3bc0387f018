import type { ChainableCommander } from 'ioredis';
import { expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { CheckedWrites } from '../../../../src/storage/redis/checked-writes.js';
import { GROUPED_MEMBERS_MAX } from '../../../../src/storage/redis/limits.js';

/** The commands of the script's packs (packed-commands.ts: msgpack array 32 of raw 32), as text. */
function unpacked(packs: readonly Buffer[]): string[] {
  const items: string[] = [];
  for (const pack of packs) {
    expect(pack[0]).toBe(0xdd);
    let at = 5;
    for (let index = 0; index < pack.readUInt32BE(1); index += 1) {
      expect(pack[at]).toBe(0xdb);
      const length = pack.readUInt32BE(at + 1);
      items.push(pack.subarray(at + 5, at + 5 + length).toString());
      at += 5 + length;
    }
  }
  return items;
}

/** What the script is given: its keys' types checked first, then the commands as name, argument count, arguments. */
function scriptOf(writes: CheckedWrites): { keys: string[]; commands: string[] } {
  let args: (string | Buffer)[] = [];
  let keyCount = 0;
  const transaction = { eval: (_script: string, count: number, given: (string | Buffer)[]) => ((keyCount = count), (args = given)) };
  writes.queue(transaction as unknown as ChainableCommander);
  return { keys: args.slice(0, keyCount) as string[], commands: unpacked(args.slice(2 * keyCount) as Buffer[]) };
}

it('refuses, as a bug, a key written as two types: the script could not check it before writing', () => {
  const writes = new CheckedWrites().saddOf('k', 'member').set('k', 'any type').del('k').sremOf('k', 'member');
  expect(() => writes.hset('k', 'field', 'value')).toThrow(new AssertionError('k written as a set and a hash'));
  expect(() => new CheckedWrites().zaddOf('k', 1, 'm').zremOf('k', 'm').hdelOf('k', 'f')).toThrow(new AssertionError('k written as a zset and a hash'));
});

it('sends the grouped fields and members of a key as few commands of at most GROUPED_MEMBERS_MAX, after the others', () => {
  const writes = new CheckedWrites();
  const members = GROUPED_MEMBERS_MAX + 2;
  for (let index = 0; index < members; index += 1) writes.set(`data:${index}`, 'v').hsetOf('entries', `p${index}`, `m${index}`).zaddOf('paths', 0, `p${index}`);
  writes.zremOf('ttl', 'gone');
  const { keys, commands } = scriptOf(writes);
  expect(keys).toEqual(['entries', 'paths', 'ttl']);
  const names: string[] = [];
  for (let at = 0; at < commands.length; at += 2 + Number(commands[at + 1])) names.push(`${commands[at]} ${commands[at + 2]} ${Number(commands[at + 1]) - 1}`);
  expect(names.slice(members)).toEqual([`HSET entries ${2 * GROUPED_MEMBERS_MAX}`, 'HSET entries 4', `ZADD paths ${2 * GROUPED_MEMBERS_MAX}`, 'ZADD paths 4', 'ZREM ttl 1']);
  expect(names.slice(0, members).every((name) => name.startsWith('SET data:'))).toBe(true);
  expect(commands.slice(commands.lastIndexOf('HSET') + 3, commands.lastIndexOf('HSET') + 7)).toEqual([`p${members - 2}`, `m${members - 2}`, `p${members - 1}`, `m${members - 1}`]);
});
