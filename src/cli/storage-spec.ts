import { join, resolve } from 'node:path';
import { AppendOnlyStorage } from '../storage/append-only.js';
import type { StorageBackend } from '../storage/backend.js';
import { FileSystemStorage, type FsyncMode } from '../storage/filesystem.js';
import { MemoryStorage } from '../storage/memory.js';
import { RedisStorage } from '../storage/redis.js';
import { UsageError } from './usage-error.js';
import type { LogFsyncPolicy } from '../core/log-persistence/recovery.js';
import type { OperationLogConfig } from '../runtime/config.js';

export type StorageSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'fs'; readonly dir: string; readonly fsync: FsyncMode }
  | { readonly kind: 'aof'; readonly dir: string; readonly fsync: FsyncMode }
  | { readonly kind: 'redis'; readonly url: string };

const FSYNC_MODES: readonly FsyncMode[] = ['batch', 'always', 'never'];

/** memory | fs:DIR | aof:DIR | redis://HOST:PORT[/DB]; `fsync` (the --fsync value, fs and aof only) defaults to batch. */
export function parseStorageSpec(text: string, fsync?: string): StorageSpec {
  const onDisk = /^(fs|aof):(.+)$/.exec(text);
  if (fsync !== undefined && onDisk === null) throw new UsageError(`--fsync applies to fs:DIR and aof:DIR storage only, not '${text}'`);
  if (text === 'memory') return { kind: 'memory' };
  if (onDisk !== null) return { kind: onDisk[1] === 'fs' ? 'fs' : 'aof', dir: resolve(onDisk[2] as string), fsync: fsyncMode(fsync ?? 'batch') };
  if (/^rediss?:\/\/(\[[^\]]+\]|[^/:[\]]+):\d{1,5}(\/\d+)?$/.test(text)) return { kind: 'redis', url: text };
  throw new UsageError(`--storage wants memory, fs:DIR, aof:DIR or redis://HOST:PORT[/DB], got '${text}'`);
}

function fsyncMode(text: string): FsyncMode {
  const mode = FSYNC_MODES.find((candidate) => candidate === text);
  if (mode === undefined) throw new UsageError(`--fsync wants one of ${FSYNC_MODES.join(', ')}, got '${text}'`);
  return mode;
}

export async function openStorage(spec: StorageSpec): Promise<StorageBackend> {
  switch (spec.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'fs':
      return FileSystemStorage.open({ basePath: spec.dir, fsync: spec.fsync });
    case 'aof':
      return AppendOnlyStorage.open({ basePath: spec.dir, fsync: spec.fsync });
    case 'redis':
      return RedisStorage.open({ url: spec.url });
  }
}

/** Where a secondary on this storage keeps its id, so that it survives restarts with the data. */
export function replicaIdFileOf(spec: StorageSpec): string | null {
  if (spec.kind === 'fs') return join(spec.dir, '.nadb', 'replica-id');
  return spec.kind === 'aof' ? join(spec.dir, 'replica-id') : null;
}

/**
 * fs:DIR and aof:DIR keep a primary's operation log beside the data (the backend says where),
 * Redis in its own structures (its server's persistence is the policy); memory keeps none.
 */
export function operationLogOf(spec: StorageSpec, fsync: LogFsyncPolicy): OperationLogConfig | undefined {
  return spec.kind === 'fs' || spec.kind === 'aof' || spec.kind === 'redis' ? { fsync } : undefined;
}
