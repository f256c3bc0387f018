import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomHexId } from '../core/random.js';
import { ConfigError } from '../core/errors.js';
import { cryptoRandom } from './crypto-random.js';

/**
 * A secondary's id: given, or kept in a file (created on first start, so it survives restarts
 * with the storage beside it), or new. Only statistics and authentication rest on it: where a
 * secondary stands is persisted with its data, whatever its id.
 */
export async function resolveReplicaId(given: string | null, file: string | null): Promise<string> {
  if (given !== null) return given;
  if (file === null) return newReplicaId();
  const stored = await readStored(file);
  if (stored !== null) return stored;
  const id = newReplicaId();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${id}\n`, { flag: 'wx' });
  return id;
}

function newReplicaId(): string {
  return `replica-${randomHexId(cryptoRandom).slice(0, 16)}`;
}

async function readStored(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const id = text.trim();
  if (id.length === 0) throw new ConfigError(`replica id file ${file} is empty`);
  return id;
}
