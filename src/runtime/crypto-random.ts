import { randomInt } from 'node:crypto';
import type { Random } from '../core/random.js';

/** The core's Random from the operating system's CSPRNG: replication ids must not collide. */
export const cryptoRandom: Random = {
  nextUint32: () => randomInt(0, 0x1_0000_0000),
};
