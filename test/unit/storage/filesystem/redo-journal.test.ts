import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import type { EntryForm } from '../../../../src/storage/filesystem/entry-form.js';
import type { FinalState } from '../../../../src/storage/filesystem/plan.js';
import { clearJournal, readJournal, writeJournal, type JournaledBatch } from '../../../../src/storage/filesystem/redo-journal.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

const dirs: string[] = [];
let file: string;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-redo-'));
  dirs.push(dir);
  file = join(dir, 'redo.journal');
  resetCounts();
});

afterEach(async () => {
  expect(counted.open.size).toBe(0);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const MAGIC = Buffer.from('NADBRJ1\n');
const stored = { key: 'k', db: 'd', namespace: 'n', tags: ['t'], expiresAtMs: 7 };
/** `stored` as a header holds it: a JSON string inside JSON. */
const METADATA = JSON.stringify(JSON.stringify(stored));
const entry = (value: string, form: EntryForm, moved: boolean): FinalState => ({ kind: 'entry', stored, value: new TextEncoder().encode(value), form, moved });

const BATCH: JournaledBatch = {
  cursor: { replicationId: 'h', sequence: 3, epoch: 2 },
  states: new Map<string, FinalState>([
    ['gone', { kind: 'absent', form: 'file' }],
    ['gone/dir', { kind: 'absent', form: 'dir' }],
    ['a', entry('first', 'file', false)],
    ['tagged', { kind: 'metadata', stored: { ...stored, tags: [] }, form: 'file' }],
    ['tagged/dir', { kind: 'metadata', stored, form: 'dir' }],
    ['dir', entry('second value', 'file', true)],
    ['file', entry('third', 'dir', true)],
    ['dir/dir', entry('', 'dir', false)],
  ]),
};

/** A journal whose hash holds over whatever header and values it is given. */
function hashed(header: string, values: Buffer = Buffer.alloc(0), magic: Buffer = MAGIC): Buffer {
  const headerBytes = Buffer.from(header);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const body = Buffer.concat([magic, length, headerBytes, values]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('the redo journal', () => {
  it('reads back every kind of final state, in order, and the cursor', async () => {
    await writeJournal(file, BATCH, false);
    expect(await readJournal(file)).toEqual(BATCH);
    await writeJournal(file, { cursor: null, states: new Map([['x', entry('', 'file', false)]]) }, false);
    expect(await readJournal(file)).toEqual({ cursor: null, states: new Map([['x', entry('', 'file', false)]]) });
  });

  it('writes a form and a move only where they are not the default, which is most of a batch', async () => {
    await writeJournal(file, { cursor: null, states: new Map([['x', entry('', 'file', false)], ['y', { kind: 'absent', form: 'file' }]]) }, false);
    expect((await readFile(file)).toString('latin1')).not.toMatch(/form|moved/);
  });

  // A crash of the version before entry-form.ts may have left one, which open() must redo.
  it('reads a journal of the version before entry forms: every entry a file, replacesDir a move', async () => {
    const states = (replacesDir: boolean): string => `[{"path":"g","kind":"absent"},{"path":"m","kind":"metadata","metadata":${METADATA}},`
      + `{"path":"e","kind":"entry","metadata":${METADATA},"valueBytes":1,"replacesDir":${replacesDir}}]`;
    for (const moved of [true, false]) {
      await writeFile(file, hashed(`{"cursor":null,"states":${states(moved)}}`, Buffer.from('v')));
      expect(await readJournal(file)).toEqual({ cursor: null, states: new Map<string, FinalState>([
        ['g', { kind: 'absent', form: 'file' }],
        ['m', { kind: 'metadata', stored, form: 'file' }],
        ['e', { kind: 'entry', stored, value: new TextEncoder().encode('v'), form: 'file', moved }],
      ]) });
    }
  });

  it('cuts what a longer journal before it left', async () => {
    await writeJournal(file, BATCH, false);
    const short: JournaledBatch = { cursor: null, states: new Map([['a', { kind: 'absent', form: 'file' }]]) };
    await writeJournal(file, short, false);
    expect(await readJournal(file)).toEqual(short);
  });

  it.each([true, false])('syncs what it writes only when sync is %j, the data only', async (sync) => {
    await writeJournal(file, BATCH, sync);
    await clearJournal(file, sync);
    expect(counted.fdatasyncs).toBe(sync ? 2 : 0);
    expect(counted.fsyncs).toBe(0);
  });

  it('is cleared by zeroing its magic in place, and made cleared when missing', async () => {
    await clearJournal(file, false);
    expect(await readFile(file)).toEqual(Buffer.alloc(MAGIC.length));
    await writeJournal(file, BATCH, false);
    const { size } = await stat(file);
    await clearJournal(file, false);
    expect((await stat(file)).size).toBe(size);
    expect((await readFile(file)).subarray(0, MAGIC.length)).toEqual(Buffer.alloc(MAGIC.length));
    expect(await readJournal(file)).toBeUndefined();
  });

  it('finds no batch in a journal missing, shorter than its frame, of another magic, or whose hash fails', async () => {
    expect(await readJournal(file)).toBeUndefined();
    const whole = hashed('{"cursor":null,"states":[]}');
    for (const bytes of [whole.subarray(0, 43), hashed('{"cursor":null,"states":[]}', undefined, Buffer.from('NADBRJ2\n')), Buffer.concat([whole.subarray(0, -1), Buffer.from([whole.at(-1)! ^ 1])])]) {
      await writeFile(file, bytes);
      expect(await readJournal(file)).toBeUndefined();
    }
    // Too short for a header length, yet hashed: only the frame's minimum length keeps it from being read.
    await writeFile(file, Buffer.concat([MAGIC, createHash('sha256').update(MAGIC).digest()]));
    expect(await readJournal(file)).toBeUndefined();
    await writeFile(file, whole);
    expect(await readJournal(file)).toEqual({ cursor: null, states: new Map() });
  });

  // Whole and hashed, yet not a journal: corruption or a bug, never taken for a torn write.
  it.each([
    ['an empty header, the shortest frame', hashed('')],
    ['a header that is not JSON', hashed('{"cursor":')],
    ['a header that is null', hashed('null')],
    // An array of one string would pass for that string where it is parsed.
    ['a cursor that is not a string', hashed(`{"cursor":[${JSON.stringify('{"replicationId":"h","sequence":1}')}],"states":[]}`)],
    ['no states', hashed('{"cursor":null}')],
    ['a state that is null', hashed('{"cursor":null,"states":[null]}')],
    ['a state without a path', hashed('{"cursor":null,"states":[{"kind":"absent"}]}')],
    ['a state of an unknown kind', hashed(`{"cursor":null,"states":[{"path":"a","kind":"gone","metadata":${METADATA}}]}`)],
    ['a state of an unknown form', hashed('{"cursor":null,"states":[{"path":"a","kind":"absent","form":"link"}]}')],
    ['a fractional value length', hashed('{"cursor":null,"states":[{"path":"a","kind":"absent","valueBytes":0.5}]}')],
    // Without values, `a` would take two bytes of the hash for its value.
    ['a negative value length that another makes up for', hashed(
      `{"cursor":null,"states":[{"path":"a","kind":"entry","metadata":${METADATA},"valueBytes":2},{"path":"b","kind":"absent","valueBytes":-2}]}`,
    )],
    ['values longer than their states say', hashed('{"cursor":null,"states":[{"path":"a","kind":"absent"}]}', Buffer.from('x'))],
    ['values shorter than their states say', hashed(`{"cursor":null,"states":[{"path":"a","kind":"entry","metadata":${METADATA},"valueBytes":2}]}`, Buffer.from('x'))],
    ['an entry without metadata', hashed('{"cursor":null,"states":[{"path":"a","kind":"entry","valueBytes":0}]}')],
    ['a metadata state without metadata', hashed('{"cursor":null,"states":[{"path":"a","kind":"metadata"}]}')],
    ['a corrupt cursor', hashed('{"cursor":"{}","states":[]}')],
  ])('refuses a journal with %s', async (_why, bytes) => {
    await writeFile(file, bytes);
    const read = readJournal(file);
    await expect(read).rejects.toThrow(StorageFailedError);
    await expect(read).rejects.toThrow(/^corrupt (redo journal|JSON in|metadata in|cursor in) .*redo\.journal/);
  });

  it('quotes at most 200 characters of a header it refuses', async () => {
    const header = `{"cursor":1,"states":[],"padding":"${'x'.repeat(300)}"}`;
    await writeFile(file, hashed(header));
    await expect(readJournal(file)).rejects.toThrow(new StorageFailedError(`corrupt redo journal ${file}: ${header.slice(0, 200)}`));
  });
});
