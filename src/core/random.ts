/** The only source of randomness the core sees: seeded in the simulator, crypto-backed at run time. */
export interface Random {
  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number;
}

/** A uniform integer in [0, bound). */
export function randomBelow(random: Random, bound: number): number {
  if (bound <= 1) return 0;
  return Math.floor((random.nextUint32() / 0x1_0000_0000) * bound);
}

/** 128 random bits as 32 lowercase hex characters: replication ids, nonces. */
export function randomHexId(random: Random): string {
  let id = '';
  for (let i = 0; i < 4; i += 1) id += random.nextUint32().toString(16).padStart(8, '0');
  return id;
}
