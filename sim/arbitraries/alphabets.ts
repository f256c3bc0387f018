/**
 * Names that plain lowercase ASCII never tries, shared by the arbitraries and the swarm workload
 * (so no fast-check here: the workload runs without it). Each is a name the core accepts:
 * well-formed UTF-16 of at most nameLengthMax code units.
 */
import { DEFAULT_LIMITS } from '../../src/core/limits.js';

/** Short names, each for what it tries; together they sort differently by code unit, code point and locale. */
export const WIDE_NAMES: readonly string[] = [
  'é', // two UTF-8 bytes; before 'f' in a locale, after every ASCII name in code units
  'e\u0301', // the same letter decomposed: equal to 'é' for a collator, another name here
  'Zz', // upper case: before 'p0' in code units, after it in a locale
  '\uff5a', // 'ｚ': after every surrogate in code units, before every astral character in code points
  '\u{1f600}', // astral: a surrogate pair in UTF-16, four bytes in UTF-8
  '\u{10ffff}', // the last code point
  'q"\\', // a quote and a backslash: escaped in JSON
  '\n\t\r\b\f', // the other short escapes
  '\u0000\u001f\u007f', // control characters (\u00XX escapes) and DEL
  '\u2028\u2029', // line and paragraph separators: plain in JSON, line ends in older JavaScript
];

/** nameLengthMax counts code units: a surrogate pair is two. */
export const NAME_LENGTH_MAX = DEFAULT_LIMITS.nameLengthMax;

/**
 * A name at the length limit. ASCII, because a frame is sized at 6 bytes per non-ASCII code unit:
 * an operation with several non-ASCII names this long would not fit the simulator's frames.
 */
export const LONGEST_NAME = 'l'.repeat(NAME_LENGTH_MAX);
