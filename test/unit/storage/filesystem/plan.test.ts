import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Operation } from '../../../../src/core/operation.js';
import { FileSystemStorage } from '../../../../src/storage/filesystem.js';
import { FileWriters } from '../../../../src/storage/filesystem/file-writers.js';
import { layoutOf, liveRootsOf } from '../../../../src/storage/filesystem/layout.js';
import { planBatch, type FinalStates } from '../../../../src/storage/filesystem/plan.js';
import { EntryTree } from '../../../../src/storage/filesystem/tree.js';
import { del, set, text } from '../../../support/ops.js';

const dirs: string[] = [];
const writers = new FileWriters();

afterEach(async () => {
  await writers.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The batch planned against a tree holding `before`, as `[path, kind, form, moved, value]`. */
async function planned(before: Operation[], batch: Operation[]): Promise<unknown[]> {
  const basePath = await mkdtemp(join(tmpdir(), 'nadb-plan-'));
  dirs.push(basePath);
  const storage = await FileSystemStorage.open({ basePath, fsync: false });
  await storage.apply(before, null);
  await storage.close();
  return described(await planBatch(new EntryTree(writers, liveRootsOf(layoutOf(basePath))), batch));
}

function described(states: FinalStates): unknown[] {
  return [...states].map(([path, state]) => [path, state.kind, state.form, state.kind === 'entry' ? [state.moved, text(state.value)] : null]);
}

it('moves an entry under which the batch puts one into the directories\' entries, with its value', async () => {
  expect(await planned([set('a', '1')], [set('a/b', '2')])).toEqual([['a/b', 'entry', 'file', [false, '2']], ['a', 'entry', 'dir', [true, '1']]]);
  // A record-only change of a moving entry carries the value too: the journal must hold it.
  expect(await planned([set('a', '1')], [{ type: 'METADATA', path: 'a', tags: ['t'] }, set('a/b', '2')]))
    .toEqual([['a', 'entry', 'dir', [true, '1']], ['a/b', 'entry', 'file', [false, '2']]]);
});

it('moves back only the entries the batch leaves no entry under, and reads no other', async () => {
  const nested = [set('x', '1'), set('x/y', '2'), set('x/y/z', '3'), set('x/w', '4')];
  expect(await planned(nested, [del('x/y/z')])).toEqual([['x/y/z', 'absent', 'file', null], ['x/y', 'entry', 'file', [true, '2']]]);
  expect(await planned(nested, [del('x/y/z'), del('x/w')])).toEqual([['x/y/z', 'absent', 'file', null], ['x/w', 'absent', 'file', null], ['x/y', 'entry', 'file', [true, '2']]]);
  expect(await planned(nested, [del('x/y/z'), del('x/w'), del('x/y')]))
    .toEqual([['x/y/z', 'absent', 'file', null], ['x/w', 'absent', 'file', null], ['x/y', 'absent', 'dir', null], ['x', 'entry', 'file', [true, '1']]]);
  expect(await planned(nested, [{ type: 'SET_TTL', path: 'x', expiresAtMs: 5 }])).toEqual([['x', 'metadata', 'dir', null]]);
  // `x/y` removed is no reason to move `x`: `x/y/z`, deeper, stays under it.
  expect(await planned(nested, [del('x/y'), del('x/w')])).toEqual([['x/y', 'absent', 'dir', null], ['x/w', 'absent', 'file', null]]);
});
