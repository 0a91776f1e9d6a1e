// `npm run docs:settings`: rewrites the settings tables in docs/*.md (the text between
// `<!-- settings:NAME:start -->` and `<!-- settings:NAME:end -->`) from the trainers' settings
// declarations in src/shared/settings. tests/shared/settings/docs.test.ts fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsDocs, withGeneratedTables } from '../src/shared/settings/table.ts';

for (const file of settingsDocs) {
  const text = readFileSync(file, 'utf8');
  const generated = withGeneratedTables(text);
  if (generated === text) {
    process.stdout.write(`${file}: up to date\n`);
  } else {
    writeFileSync(file, generated);
    process.stdout.write(`${file}: tables rewritten\n`);
  }
}
