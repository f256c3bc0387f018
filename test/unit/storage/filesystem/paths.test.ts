import { expect, it } from 'vitest';
import { InvalidOperationError } from '../../../../src/core/errors.js';
import { checkPath, InvalidPathError } from '../../../../src/storage/filesystem/paths.js';

// The reason is what a user reads to fix the path: each rule names its own.
it.each([
  ['', 'it is empty'],
  ['a\0b', 'it contains NUL'],
  ['a\ud800', 'it holds a lone surrogate, which no UTF-8 file name can'],
  ['/etc/x', 'it is absolute'],
  ['.nadb/cursor.json', ".nadb is the backend's own directory"],
  ['a//b', 'it has an empty segment'],
  ['a/', 'it has an empty segment'],
  ['a/./b', 'it has a "." segment'],
  ['a/../../x', 'it has a ".." segment'],
  [`a/${'x'.repeat(256)}`, 'a segment exceeds SEGMENT_BYTES_MAX (255 bytes)'],
])('refuses %j: %s', (path, why) => {
  const refusal = (() => {
    try {
      checkPath(path);
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  expect(refusal).toBeInstanceOf(InvalidPathError);
  expect(refusal).toBeInstanceOf(InvalidOperationError);
  expect((refusal as Error).name).toBe('InvalidPathError');
  expect((refusal as Error).message).toBe(`path ${JSON.stringify(path)} refused: ${why}`);
});

it.each(['a', 'a/b/c', 'a/.nadb/b', '..a', 'x'.repeat(255), `${'é'.repeat(127)}x`])('accepts %j', (path) => {
  expect(() => checkPath(path)).not.toThrow();
});
