import { MemoryStorage } from '../../src/storage/memory.js';

/** Memory storage that counts the values read from it: what a call that needs none must leave at 0. */
export class ValueCountingStorage extends MemoryStorage {
  valuesRead = 0;

  override async read(path: string): ReturnType<MemoryStorage['read']> {
    this.valuesRead += 1;
    return super.read(path);
  }
}
