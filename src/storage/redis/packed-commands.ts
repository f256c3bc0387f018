import { assert } from '../../core/assert.js';
import { PACKED_COMMANDS_BYTES_MAX } from './limits.js';

/** msgpack's array 32 and raw 32 (str 32): forms Redis' Lua cmsgpack reads, the raw one binary-safe. */
const ARRAY32 = 0xdd;
const RAW32 = 0xdb;
const HEADER_BYTES = 5;

/**
 * A batch's commands, each as its name, its argument count and its arguments, as msgpack arrays
 * of raw strings for a script to unpack (cmsgpack.unpack): as arguments of EVAL, ioredis handled
 * each one on its own, about a third of a Redis-backed node's CPU. A pack ends at a command's
 * end once it holds PACKED_COMMANDS_BYTES_MAX bytes, so that one stays far under Redis'
 * proto-max-bulk-len (512 MB) whatever the batch; a command larger than that is a pack alone.
 */
export function packCommands(commands: readonly (string | Buffer)[]): Buffer[] {
  const packs: Buffer[] = [];
  for (let start = 0; start < commands.length;) {
    const end = packEnd(commands, start);
    packs.push(packStrings(commands, start, end));
    start = end;
  }
  return packs;
}

/** Where the pack starting at `start` ends: after whole commands, once past the bound. */
function packEnd(commands: readonly (string | Buffer)[], start: number): number {
  let bytes = HEADER_BYTES;
  let at = start;
  while (at < commands.length && (at === start || bytes < PACKED_COMMANDS_BYTES_MAX)) {
    const argc = Number(commands[at + 1]);
    assert(Number.isSafeInteger(argc) && argc >= 0 && at + 2 + argc <= commands.length, 'a command without its arguments');
    for (let index = at; index < at + 2 + argc; index += 1) bytes += HEADER_BYTES + byteLengthOf(commands[index] as string | Buffer);
    at += 2 + argc;
  }
  return at;
}

function packStrings(items: readonly (string | Buffer)[], start: number, end: number): Buffer {
  let bytes = HEADER_BYTES;
  for (let index = start; index < end; index += 1) bytes += HEADER_BYTES + byteLengthOf(items[index] as string | Buffer);
  const packed = Buffer.allocUnsafe(bytes);
  packed[0] = ARRAY32;
  packed.writeUInt32BE(end - start, 1);
  let at = HEADER_BYTES;
  for (let index = start; index < end; index += 1) {
    const item = items[index] as string | Buffer;
    const length = typeof item === 'string' ? packed.write(item, at + HEADER_BYTES, 'utf8') : item.copy(packed, at + HEADER_BYTES);
    packed[at] = RAW32;
    packed.writeUInt32BE(length, at + 1);
    at += HEADER_BYTES + length;
  }
  assert(at === bytes, `packed ${at} of ${bytes} bytes`);
  return packed;
}

function byteLengthOf(item: string | Buffer): number {
  return typeof item === 'string' ? Buffer.byteLength(item, 'utf8') : item.length;
}
