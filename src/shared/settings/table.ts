// Settings declarations as text: the markdown tables in docs/*.md (between `<!-- settings:NAME:start -->`
// and `<!-- settings:NAME:end -->` markers, rewritten by `npm run docs:settings` and checked by a
// test) and the one-line descriptions the CLI's --set help prints.
import type { LeafSetting, SettingsSection } from './declare.ts';
import { leafSettings } from './resolve.ts';
import { trainerSettings } from './trainers.ts';

/** What a setting allows, in the short form tables and help use (`1..1024`, `reinforce | ppo`). */
export function allowedText(setting: LeafSetting): string {
  switch (setting.kind) {
    case 'number':
      return `${setting.integer ? 'integer' : 'number'} ${setting.exclusiveMin ? '>' : '>='} ${setting.min}, <= ${setting.max}`;
    case 'boolean':
      return 'true | false';
    case 'choice':
      return setting.options.join(' | ');
    case 'choices':
      return `list of ${setting.options.join(' | ')}`;
  }
}

/** The default, or `original: false, optimized: true` where it depends on the mode. */
export function defaultText(setting: LeafSetting): string {
  if (setting.modeDefaults) return `original: ${JSON.stringify(setting.modeDefaults.original)}, optimized: ${JSON.stringify(setting.modeDefaults.optimized)}`;
  return JSON.stringify(setting.default);
}

/** The settings a user may give (not those the workload sets), with dotted keys. */
export function userSettings(section: SettingsSection): Array<{ key: string; setting: LeafSetting }> {
  return leafSettings(section)
    .filter(({ setting }) => setting.setBy === undefined)
    .map(({ path, setting }) => ({ key: path.join('.'), setting }));
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** A markdown table of every user setting of a section: key, allowed values, default, unit, resume, meaning. */
export function settingsTable(section: SettingsSection): string {
  const rows = userSettings(section).map(({ key, setting }) => [
    `\`${key}\``,
    cell(allowedText(setting)),
    setting.modeDefaults ? cell(defaultText(setting)) : `\`${cell(defaultText(setting))}\``,
    setting.unit ?? '',
    setting.fixedOnResume ? 'fixed' : 'may change',
    cell(setting.doc),
  ]);
  const header = ['Key', 'Allowed', 'Default', 'Unit', 'On resume', 'Meaning'];
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** The documents that hold generated tables, relative to the repository root. */
export const settingsDocs = ['docs/rl.md', 'docs/neat.md'] as const;

/** The generated tables, by marker name: `<!-- settings:rl:start -->` holds `settingsTables.rl`. */
export const settingsTables: Record<string, () => string> = {
  rl: () => settingsTable(trainerSettings.rl),
  neat: () => settingsTable(trainerSettings.neat),
};

/** `text` with the text between each pair of settings markers replaced by the generated table. */
export function withGeneratedTables(text: string): string {
  return text.replace(/(<!-- settings:([a-z-]+):start -->)[\s\S]*?(<!-- settings:\2:end -->)/g, (_whole, start: string, name: string, end: string) => {
    const table = settingsTables[name];
    if (!table) throw new Error(`unknown settings table "${name}" (known: ${Object.keys(settingsTables).join(', ')})`);
    return `${start}\n${table()}\n${end}`;
  });
}
