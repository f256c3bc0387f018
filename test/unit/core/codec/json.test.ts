import { describe, expect, it } from 'vitest';
import { isJsonObject, jsonTreeProblem, type JsonValue } from '../../../../src/core/codec/json.js';

/** `depth` containers, alternating arrays and objects, around a number. */
function nested(depth: number, leaf: JsonValue = 1): JsonValue {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { k: value };
  return value;
}

describe('jsonTreeProblem', () => {
  it('accepts containers nested exactly depthMax deep, and refuses one more', () => {
    expect(jsonTreeProblem(nested(3), 3)).toBeUndefined();
    expect(jsonTreeProblem(nested(4), 3)).toBe('the document is nested too deeply');
    expect(jsonTreeProblem(nested(4, Number.POSITIVE_INFINITY), 3)).toBe('the document is nested too deeply');
  });

  it('finds a number out of range at any depth, in arrays and objects, after valid siblings', () => {
    expect(jsonTreeProblem(Number.NEGATIVE_INFINITY, 0)).toBe('a number is out of range');
    expect(jsonTreeProblem({ a: 1, b: [0, { c: Number.POSITIVE_INFINITY }] }, 3)).toBe('a number is out of range');
    expect(jsonTreeProblem([null, true, 'x', Number.NaN], 1)).toBe('a number is out of range');
  });

  it('has nothing to say about scalars, whatever the depth left', () => {
    for (const scalar of [null, true, false, '', 'x', 0, -1.5]) expect(jsonTreeProblem(scalar, 0)).toBeUndefined();
    expect(jsonTreeProblem({ a: [1, 'b', null], c: {} }, 2)).toBeUndefined();
  });
});

describe('isJsonObject', () => {
  it('takes plain and null-prototype objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    for (const other of [null, undefined, [], 'x', 1, new Date(0), new Map(), Object.create({})]) expect(isJsonObject(other)).toBe(false);
  });
});
