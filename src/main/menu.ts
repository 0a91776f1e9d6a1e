// Installs the application menu (menu-template.ts) and rebuilds it when the recent runs change,
// so Reveal Run lists them.
import { Menu } from 'electron';
import type { RunRecord } from '../shared/run.ts';
import { menuTemplate, revealableRunCount, type MenuActions } from './menu-template.ts';

export function installMenu(actions: MenuActions, recentRuns: () => RunRecord[]): () => void {
  let shown = '';
  const rebuild = () => {
    const runs = recentRuns().slice(0, revealableRunCount);
    const key = runs.map((run) => `${run.id}:${run.status}`).join(',');
    if (key === shown) return; // progress updates do not change the menu
    shown = key;
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, actions, runs)));
  };
  rebuild();
  return rebuild;
}
