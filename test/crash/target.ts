/** Where a crash run's storage lives, as the child and the test both open it. */
import type { StorageBackend } from '../../src/storage/backend.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { RedisStorage } from '../../src/storage/redis.js';

export type StorageTarget =
  | { readonly kind: 'fs'; readonly dir: string }
  | { readonly kind: 'aof'; readonly dir: string; readonly rewriteMinBytes: number }
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix: string };

/** The durable setups only: a crash test of a backend that promises nothing would prove nothing. */
export function openTarget(target: StorageTarget): Promise<StorageBackend> {
  switch (target.kind) {
    case 'fs':
      return FileSystemStorage.open({ basePath: target.dir, fsync: true });
    case 'aof':
      return AppendOnlyStorage.open({ basePath: target.dir, fsync: true, rewriteMinBytes: target.rewriteMinBytes });
    case 'redis':
      return RedisStorage.open({ url: target.url, keyPrefix: target.keyPrefix });
  }
}
