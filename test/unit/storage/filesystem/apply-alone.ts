/**
 * A process whose only work is one apply on FileSystemStorage: it must finish it (the file writer
 * threads keep the process alive while they work) and print the paths, then exit by itself (they
 * do not, once idle: the storage is not closed).
 *   tsx apply-alone.ts DIR
 */
import { FileSystemStorage } from '../../../../src/storage/filesystem.js';
import { set } from '../../../support/ops.js';

const [basePath] = process.argv.slice(2);
if (basePath === undefined) throw new Error('usage: apply-alone.ts DIR');
const storage = await FileSystemStorage.open({ basePath, fsync: 'never' });
await storage.apply([set('a', '1'), set('b/c', '2')], null);
console.log(JSON.stringify(await storage.list()));
