// The settings tables in docs/*.md are generated from the settings declarations: this fails when
// a declaration changed and `npm run docs:settings` was not run (or a table was edited by hand).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { settingsDocs, settingsTables, withGeneratedTables } from '../../../src/shared/settings/table.ts';

describe('generated settings tables', () => {
  it.each(settingsDocs)('%s matches the settings declarations', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(withGeneratedTables(text), `${file} is out of date: run "npm run docs:settings"`).toBe(text);
  });

  it('holds every table in one of the documents', () => {
    const documents = settingsDocs.map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const name of Object.keys(settingsTables)) {
      expect(documents).toContain(`<!-- settings:${name}:start -->`);
      expect(documents).toContain(`<!-- settings:${name}:end -->`);
    }
  });

  it('replaces only the text between the markers', () => {
    const text = 'before\n<!-- settings:rl:start -->\nstale\n<!-- settings:rl:end -->\nafter\n';
    const generated = withGeneratedTables(text);
    expect(generated.startsWith('before\n<!-- settings:rl:start -->\n| Key | Allowed | Default | Unit | On resume | Meaning |\n')).toBe(true);
    expect(generated).toContain('| `flags.fp16` | true \\| false | original: false, optimized: true |  | may change |');
    expect(generated.endsWith('|\n<!-- settings:rl:end -->\nafter\n')).toBe(true);
    expect(() => withGeneratedTables('<!-- settings:nope:start -->\n<!-- settings:nope:end -->')).toThrow(/unknown settings table "nope"/);
  });
});
