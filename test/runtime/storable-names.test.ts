/**
 * A name the primary's storage cannot hold is the writer's error, refused before the write enters
 * the log; the primary goes on taking writes and its secondary converges. On a primary whose
 * storage refused such a write only when applying it, the write was already logged and streamed,
 * and the refusal stopped the primary for good (found by `chaos --from-sim` with a 300-byte name).
 *
 * Names are each other's directories too (`a`, `a/b`, `a/b/c`): the filesystem refused those when
 * applying them, by what it held, which stopped a primary on fs and a secondary on fs behind a
 * primary on memory; now every backend stores them.
 */
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOperationError, LimitExceededError } from '../../src/core/errors.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { nameArb } from '../../sim/arbitraries/names.js';
import { portOf, startPrimary, startSecondary, waitCaughtUp } from './support/nodes.js';

/** Each run starts two nodes on a fresh directory. */
const RUNS = 15;
/** Around NAME_MAX (255 bytes), the longest file name Linux takes. */
const segmentAroundNameMaxArb = fc.integer({ min: 250, max: 300 }).map((length) => 'l'.repeat(length));
const NESTED_NAMES = ['a', 'a/b', 'a/b/c', 'a-'];
const anyNameArb = fc.oneof(nameArb(['.', '..', 'a/..']), segmentAroundNameMaxArb, fc.constantFrom(...NESTED_NAMES));

const BACKENDS: Record<string, (dir: string) => Promise<StorageBackend>> = {
  fs: (dir) => FileSystemStorage.open({ basePath: dir }),
  aof: (dir) => AppendOnlyStorage.open({ basePath: dir }),
};

/** Writes each name; the value of every write accepted, by name. */
async function writeEach(primary: NetworkSyncBackend, names: readonly string[]): Promise<Map<string, string>> {
  const accepted = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    const value = `v${index}`;
    try {
      await primary.writeData(name, Buffer.from(value));
      accepted.set(name, value);
    } catch (error) {
      expect(error, `writing ${JSON.stringify(name)}`).toSatisfy((e) => e instanceof InvalidOperationError || e instanceof LimitExceededError);
    }
  }
  return accepted;
}

async function expectHeldByBoth(nodes: readonly NetworkSyncBackend[], accepted: ReadonlyMap<string, string>): Promise<void> {
  for (const node of nodes) {
    for (const [name, value] of accepted) expect((await node.readData(name))?.toString(), JSON.stringify(name)).toBe(value);
  }
}

describe.each(Object.keys(BACKENDS))('names a primary on %s cannot store', (backend) => {
  it('are refused to the writer, and the primary goes on replicating', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyNameArb, { minLength: 1, maxLength: 6 }), async (names) => {
        const dir = await mkdtemp(join(tmpdir(), 'nadb-names-'));
        const primary = await startPrimary(await BACKENDS[backend]!(dir));
        const secondary = await startSecondary(portOf(primary), new MemoryStorage());
        try {
          const accepted = await writeEach(primary, [...names, 'after']);
          expect(accepted.has('after'), 'the write after the refused names').toBe(true);
          for (const name of names) if (NESTED_NAMES.includes(name)) expect(accepted.has(name), `${name} of ${JSON.stringify(names)}`).toBe(true);
          await waitCaughtUp(primary, [secondary]);
          await expectHeldByBoth([primary, secondary], accepted);
        } finally {
          await secondary.close();
          await primary.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a secondary on fs behind a primary on memory', () => {
  it('stores every name that is another\'s directory, in any order, deleted or not', async () => {
    const opArb = fc.record({ name: fc.constantFrom(...NESTED_NAMES), remove: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const dir = await mkdtemp(join(tmpdir(), 'nadb-names-'));
        const primary = await startPrimary(new MemoryStorage());
        const secondary = await startSecondary(portOf(primary), await FileSystemStorage.open({ basePath: dir }));
        try {
          const held = new Map<string, string>();
          for (const [index, { name, remove }] of [...ops, { name: 'after', remove: false }].entries()) {
            if (remove) await primary.deleteFile(name);
            else await primary.writeData(name, Buffer.from(`v${index}`));
            if (remove) held.delete(name);
            else held.set(name, `v${index}`);
          }
          await waitCaughtUp(primary, [secondary]);
          await expectHeldByBoth([primary, secondary], held);
          for (const name of NESTED_NAMES) if (!held.has(name)) expect(await secondary.readData(name), name).toBeUndefined();
        } finally {
          await secondary.close();
          await primary.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
