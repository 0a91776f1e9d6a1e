// JSON files for the CLI: a mistake is named by line and column, with what was expected there.
import { describe, expect, it } from 'vitest';
import { firstJsonError } from '../../src/cli/json-file.ts';

const where = (text: string) => {
  const { offset, expected } = firstJsonError(text);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1} ${expected}`;
};

describe('firstJsonError', () => {
  it.each([
    ['{ "a": 1,\n  "b": [1,]\n}', '2:11 another value after ","'],
    ['{ "a": 1, }', '1:11 another key after ","'],
    ['{ "a" 1 }', '1:7 ":"'],
    ["{ 'a': 1 }", '1:3 a double-quoted string'],
    ['{ "a": tru }', '1:11 "true"'],
    ['[1, 2', '1:6 "," or "]"'],
    ['{"a": 1} x', '1:10 the end of the file'],
    ['{"a": "line\nbreak"}', '1:12 a closing quote before the line ends'],
    ['{"a": .5}', '1:7 a value'],
  ])('finds the mistake in %j at %s', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(where(text)).toBe(expected);
  });
});
