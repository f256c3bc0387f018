import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeUnitAt, isWellFormedText } from '../../../src/core/string-methods.js';

/** Strings of each kind V8 keeps apart: flat, concatenated, sliced, internalized, two-byte. */
function kindsOf(text: string): string[] {
  const padded = `<${text}>`;
  return [text, `${text}${String(text.length)}`.slice(0, text.length), padded.slice(1, -1), JSON.parse(JSON.stringify(text)) as string, `${'é'}${text}`.slice(1)];
}

describe('codeUnitAt', () => {
  it('reads every code unit as charCodeAt does, whatever the kind of string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        for (const kind of kindsOf(text)) {
          for (let index = -1; index <= kind.length; index += 1) expect(codeUnitAt(kind, index)).toBe(kind.charCodeAt(index));
        }
      }),
    );
  });
});

describe('isWellFormedText', () => {
  it('answers as isWellFormed does, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', '\ud800', '\udc00', '\ud83d\ude00'), (text, tail) => {
        const whole = text + tail;
        expect(isWellFormedText(whole)).toBe(whole.isWellFormed());
      }),
    );
    expect(isWellFormedText('a\ud800b')).toBe(false);
    expect(isWellFormedText('a\ud83d\ude00b')).toBe(true);
  });
});
