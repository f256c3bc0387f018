import { randomInt } from 'node:crypto';
import { usePathHashSeed } from '../core/path-table.js';

/**
 * The keyspace's path hash gets a secret seed per process, so a writer who picks paths cannot make
 * them share one probe run of the index (hash flooding). Importing this module installs it.
 */
usePathHashSeed(randomInt(2 ** 31));
