import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { operationWireBytesMax } from '../../../src/core/codec/index.js';
import type { EntryMetadata } from '../../../src/storage/backend.js';
import { pickPage } from '../../../src/storage/scan-page.js';
import { set } from '../../support/ops.js';

function metadataOf(path: string, sizeBytes: number): EntryMetadata {
  return { path, key: path, db: 'db', namespace: 'ns', tags: [], expiresAtMs: null, sizeBytes };
}

async function* candidates(...metadata: EntryMetadata[]): AsyncIterable<EntryMetadata> {
  yield* metadata;
}

const A = metadataOf('a', 10);
const B = metadataOf('b', 20);
const C = metadataOf('c', 30);
/** operationWireBytesMax of an entry of `sizeBytes`, as pickPage sizes it without its value. */
const wireBytes = (metadata: EntryMetadata): number => operationWireBytesMax(set(metadata.path, 'x'.repeat(metadata.sizeBytes)));

describe('pickPage', () => {
  it('takes entriesMax entries, and says whether the candidates ran out', async () => {
    expect(await pickPage(candidates(A, B, C), { afterPath: null, entriesMax: 2, bytesMax: 1 << 20 })).toEqual({ picked: [A, B], done: false });
    expect(await pickPage(candidates(A, B), { afterPath: null, entriesMax: 2, bytesMax: 1 << 20 })).toEqual({ picked: [A, B], done: true });
    expect(await pickPage(candidates(), { afterPath: null, entriesMax: 2, bytesMax: 1 << 20 })).toEqual({ picked: [], done: true });
  });

  it('takes entries while their wire size stays within bytesMax, at it exactly too, sized from the value\'s length alone', async () => {
    const twoBytes = wireBytes(A) + wireBytes(B);
    expect(await pickPage(candidates(A, B, C), { afterPath: null, entriesMax: 10, bytesMax: twoBytes })).toEqual({ picked: [A, B], done: false });
    expect(await pickPage(candidates(A, B, C), { afterPath: null, entriesMax: 10, bytesMax: twoBytes - 1 })).toEqual({ picked: [A], done: false });
  });

  it('takes the first entry whatever its size: a page holds at least one', async () => {
    expect(await pickPage(candidates(C, A), { afterPath: null, entriesMax: 10, bytesMax: 1 })).toEqual({ picked: [C], done: false });
  });

  it('asserts positive limits', async () => {
    await expect(pickPage(candidates(A), { afterPath: null, entriesMax: 0, bytesMax: 1 })).rejects.toThrow(AssertionError);
    await expect(pickPage(candidates(A), { afterPath: null, entriesMax: 1, bytesMax: 0 })).rejects.toThrow(AssertionError);
  });
});
