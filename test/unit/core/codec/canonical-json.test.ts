import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { canonicalJson } from '../../../../src/core/codec/canonical-json.js';

describe('canonicalJson', () => {
  it('matches Python json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)', () => {
    // Expected output produced by CPython 3 from the same value.
    const value = { z: { b: [1, '\u00e9', { d: null, c: true }], a: 'x"\\\n\t\u0001\u007f\u2028\ud83d\ude00' }, A: false, _: -2.5 };
    expect(canonicalJson(value)).toBe(
      '{"A":false,"_":-2.5,"z":{"a":"x\\"\\\\\\n\\t\\u0001\\u007f\\u2028\\ud83d\\ude00","b":[1,"\\u00e9",{"c":true,"d":null}]}}',
    );
  });

  it('sorts keys recursively, inside arrays too', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[{"x":2,"y":1}]},"b":1}');
  });

  it('sorts keys by UTF-16 code unit, not by insertion or integer-likeness', () => {
    const value = { b: 0, a: 0, B: 0, '10': 0, '9': 0, '\u00e9': 0, '\ud83d\ude00': 0, '\uffff': 0 };
    expect(canonicalJson(value)).toBe('{"10":0,"9":0,"B":0,"a":0,"b":0,"\\u00e9":0,"\\ud83d\\ude00":0,"\\uffff":0}');
  });

  it('escapes every control character like JSON.stringify, and DEL and above as \\uXXXX lowercase', () => {
    for (let code = 0; code < 0x20; code += 1) {
      const text = String.fromCharCode(code);
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
    }
    expect(canonicalJson('\u007f\u0080\u00ff\u0100\uabcd\uffff')).toBe('"\\u007f\\u0080\\u00ff\\u0100\\uabcd\\uffff"');
    expect(canonicalJson(' !#[]~')).toBe('" !#[]~"');
  });

  it('escapes lone surrogates, so the output stays pure ASCII', () => {
    expect(canonicalJson('a\ud800b\udfff')).toBe('"a\\ud800b\\udfff"');
  });

  it('writes numbers in their shortest round-trip form', () => {
    expect(canonicalJson([5, 5.0, -0, 0.1, 1.5e-7, 1e21, 2 ** 53, 1700000000.123])).toBe(
      '[5,5,0,0.1,1.5e-7,1e+21,9007199254740992,1700000000.123]',
    );
  });

  it('accepts null-prototype objects and empty containers', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: [] });
    expect(canonicalJson(bare)).toBe('{"a":[],"b":1}');
    expect(canonicalJson({})).toBe('{}');
  });

  it.each([
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Uint8Array', new Uint8Array(1)],
    ['a class instance', new (class Point { x = 1; })()],
    ['an undefined member', { a: undefined }],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ['a sparse array', [1, , 3]],
  ])('asserts on %s', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(AssertionError);
  });

  it('is pure ASCII, parses back to the value, and is a fixed point', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const canonical = canonicalJson(value);
      expect(/^[\x20-\x7e]*$/.test(canonical)).toBe(true);
      const parsed: unknown = JSON.parse(canonical);
      expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
      expect(canonicalJson(parsed)).toBe(canonical);
    }), { numRuns: 200 });
  });

  it('keeps arbitrary UTF-16 strings exact through UTF-8', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(fc.property(fc.string({ unit: anyUnit }), (text) => {
      const bytes = new TextEncoder().encode(canonicalJson(text));
      expect(JSON.parse(new TextDecoder().decode(bytes))).toBe(text);
    }), { numRuns: 200 });
  });
});
