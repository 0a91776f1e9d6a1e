// Reads a JSON file for the CLI. A syntax error names the file, line and column: Node's own message
// gives neither for most mistakes, so the text is scanned once more to find where it goes wrong.
import { readFileSync } from 'node:fs';
import { UsageError } from './arguments.ts';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    const { offset, expected } = firstJsonError(text);
    const before = text.slice(0, offset).split('\n');
    const found = offset < text.length ? JSON.stringify(text[offset]) : 'the end of the file';
    throw new UsageError(`${file}:${before.length}:${before[before.length - 1].length + 1}: not valid JSON: expected ${expected}, found ${found}`);
  }
}

/** Offset of the first character where `text` stops being JSON, and what was expected there. */
export function firstJsonError(text: string): { offset: number; expected: string } {
  let at = 0;
  const fail = (expected: string): never => {
    throw { offset: at, expected };
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail(`"${word}"`);
      at++;
    }
  };
  /** After a ",": another entry must follow, not the closing bracket. */
  const afterComma = (closing: string, what: string) => {
    at++;
    space();
    if (text[at] === closing) fail(`another ${what} after ","`);
  };
  const string = () => {
    if (text[at] !== '"') fail('a double-quoted string');
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at++;
      else if (text.charCodeAt(at) < 0x20) fail('a closing quote before the line ends');
      at++;
    }
    if (at >= text.length) fail('a closing quote');
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail('a value');
    at += match![0].length;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      space();
      if (text[at] === '}') return void at++;
      for (;;) {
        space();
        string();
        space();
        if (text[at] !== ':') fail('":"');
        at++;
        value();
        space();
        if (text[at] === ',') afterComma('}', 'key');
        else if (text[at] === '}') return void at++;
        else fail('"," or "}"');
      }
    }
    if (char === '[') {
      at++;
      space();
      if (text[at] === ']') return void at++;
      for (;;) {
        value();
        space();
        if (text[at] === ',') afterComma(']', 'value');
        else if (text[at] === ']') return void at++;
        else fail('"," or "]"');
      }
    }
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    number();
  };
  try {
    value();
    space();
    if (at < text.length) fail('the end of the file');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as { offset: number; expected: string };
    throw error;
  }
  return { offset: text.length, expected: 'valid JSON' };
}
