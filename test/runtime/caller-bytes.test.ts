/**
 * The bytes a caller gives writeData and gets from readData are the caller's: changing them
 * afterwards changes nothing any node holds. A primary on memory storage handed out its own bytes
 * of a value above COMPACT_VALUE_BYTES_MAX, and a caller who changed them changed that node's
 * data alone: its secondaries no longer held what it did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMPACT_VALUE_BYTES_MAX } from '../../src/core/limits.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { portOf, startPrimary, startSecondary, waitCaughtUp } from './support/nodes.js';

const SCRIBBLED_BYTE = 0xee;

describe("a caller's bytes", () => {
  const nodes: NetworkSyncBackend[] = [];

  afterEach(async () => {
    for (const node of nodes.splice(0).reverse()) await node.close();
  });

  it.each([COMPACT_VALUE_BYTES_MAX, COMPACT_VALUE_BYTES_MAX + 1, 64 * COMPACT_VALUE_BYTES_MAX])('of %s bytes are copied in and out, on the primary and on a secondary', async (valueBytes) => {
    const primary = await startPrimary(new MemoryStorage());
    nodes.push(primary);
    const secondary = await startSecondary(portOf(primary), new MemoryStorage());
    nodes.push(secondary);
    const value = Uint8Array.from({ length: valueBytes }, (_, index) => index % 251);
    const written = value.slice();
    await primary.writeData('p', written);
    written.fill(SCRIBBLED_BYTE);
    await waitCaughtUp(primary, [secondary]);
    for (const node of [primary, secondary]) (await node.readData('p'))?.fill(SCRIBBLED_BYTE);
    for (const node of [primary, secondary]) expect(Buffer.compare((await node.readData('p')) ?? Buffer.alloc(0), value)).toBe(0);
  });
});
