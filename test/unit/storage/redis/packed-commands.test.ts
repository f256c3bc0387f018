import { describe, expect, it, vi } from 'vitest';
import { RedisStorage } from '../../../../src/storage/redis.js';
import { packCommands } from '../../../../src/storage/redis/packed-commands.js';
import { set } from '../../../support/ops.js';
import { describeWithRedis } from '../../../support/redis-server.js';

// Small enough that a batch of a few entries spans several packs.
vi.mock('../../../../src/storage/redis/limits.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../src/storage/redis/limits.js')>()),
  PACKED_COMMANDS_BYTES_MAX: 64,
}));

/** msgpack's raw 32 of `bytes`, as cmsgpack reads it. */
function raw32(bytes: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xdb;
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

function array32(items: Buffer[]): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xdd;
  header.writeUInt32BE(items.length, 1);
  return Buffer.concat([header, ...items.map(raw32)]);
}

describe('packCommands', () => {
  it('packs commands as msgpack arrays of raw strings, text as UTF-8 and bytes as they are', () => {
    const value = Buffer.from([0, 0xff, 0xdb, 0x0a]);
    expect(packCommands(['SET', '2', 'zoë', value])).toEqual([array32([Buffer.from('SET'), Buffer.from('2'), Buffer.from('zoë', 'utf8'), value])]);
    expect(packCommands([])).toEqual([]);
  });

  it('ends a pack at a command\'s end once it holds PACKED_COMMANDS_BYTES_MAX bytes, and a larger command is a pack alone', () => {
    const big = Buffer.alloc(100, 7);
    const text = (...items: string[]): Buffer[] => items.map((item) => Buffer.from(item));
    const commands = ['DEL', '1', 'a', 'DEL', '1', 'b', 'SET', '2', 'c', big, 'SET', '2', 'e', big, 'DEL', '1', 'd'];
    // The header and two DELs are 45 bytes, under 64: the first SET joins them and ends the pack.
    // The second SET alone is past the bound, and ends its own.
    expect(packCommands(commands)).toEqual([
      array32([...text('DEL', '1', 'a', 'DEL', '1', 'b', 'SET', '2', 'c'), big]),
      array32([...text('SET', '2', 'e'), big]),
      array32(text('DEL', '1', 'd')),
    ]);
  });
});

describeWithRedis('a batch whose commands span many packs', (server) => {
  it('is written whole, values byte for byte, by the one script', async () => {
    const storage = await RedisStorage.open({ url: server().url, keyPrefix: 'packed' });
    try {
      const operations = Array.from({ length: 20 }, (_, index) => set(`p/${index}`, String.fromCharCode(0xe9, index, 0xdb)));
      await storage.apply(operations, { replicationId: 'h', sequence: 1 });
      for (const op of operations) expect(Buffer.from((await storage.read(op.path))?.value ?? [])).toEqual(Buffer.from(op.type === 'SET' ? op.value : []));
      expect(await storage.loadCursor()).toEqual({ replicationId: 'h', sequence: 1 });
    } finally {
      await storage.close();
    }
  });
});
