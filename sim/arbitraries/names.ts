import fc from 'fast-check';
import { LONGEST_NAME, WIDE_NAMES } from './alphabets.js';

/** How far below the length limit the long names go: lengths that collide, and the limit itself. */
const NEAR_LIMIT_UNITS = 2;
const FRESH_UNITS_MAX = 6;

const codePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const printableAscii = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
/** Mostly ASCII, some of the wide names as pieces, and any code point (astral ones whole). */
const freshUnit = fc.oneof(
  { weight: 2, arbitrary: printableAscii },
  { weight: 1, arbitrary: fc.constantFrom(...WIDE_NAMES) },
  { weight: 1, arbitrary: codePoint },
);

/** Names no run has tried before: they rarely collide, but they reach every code point. */
export const freshNameArb: fc.Arbitrary<string> = fc.string({ unit: freshUnit, minLength: 1, maxLength: FRESH_UNITS_MAX });

/** At the length limit or a unit or two below it. */
export const longNameArb: fc.Arbitrary<string> = fc.integer({ min: 0, max: NEAR_LIMIT_UNITS }).map((shorterBy) => LONGEST_NAME.slice(shorterBy));

/**
 * A name from `small`, a colliding alphabet (more than half the time), or a wide one: the fixed
 * wide names (which collide too), a fresh one, or one at the length limit. Every name is one the
 * core accepts: well-formed, not empty, within nameLengthMax.
 */
export function nameArb(small: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...small) },
    { weight: 2, arbitrary: fc.constantFrom(...WIDE_NAMES) },
    { weight: 1, arbitrary: freshNameArb },
    { weight: 1, arbitrary: longNameArb },
  );
}
